/**
 * Ctrl-C (SIGINT) in the CLI: whatever the command was doing, the temporary files being written are removed, the
 * terminal gets back the cursor and the line wrap a progress bar turned off, and one line says the run was
 * interrupted. Exit code 130, as a shell reports a command ended by SIGINT.
 */
import { unlinkSync } from "node:fs";

/** Show the cursor, turn line wrap back on (cli-progress hides the one and turns off the other while it draws). */
export const RESTORE_TERMINAL = "\u001b[?25h\u001b[?7h";

/** Temporary files being written; removed on Ctrl-C before they are renamed into place. */
const pending = new Set<string>();
/** Whether the handler is on for the whole run (the CLI), not only while files are pending (writeFileAtomic alone). */
let always = false;

function interrupted(): void {
  for (const path of pending) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  for (const stream of [process.stdout, process.stderr]) if (stream.isTTY) stream.write(RESTORE_TERMINAL);
  // A progress bar may have left the cursor mid-line.
  console.error(`${process.stderr.isTTY ? "\n" : ""}harmonizer: interrupted; no partial output was left behind`);
  process.exit(130);
}

const listening = () => process.listeners("SIGINT").includes(interrupted);

/** Handles Ctrl-C for the rest of the run: the CLI calls it at start. */
export function handleInterrupts(): void {
  always = true;
  if (!listening()) process.on("SIGINT", interrupted);
}

/**
 * Removes `path` if Ctrl-C comes before `done` is called. Outside the CLI's run (writeFileAtomic as a library), the
 * handler is there only while a file is pending.
 */
export function removeOnInterrupt(path: string): { done: () => void } {
  if (!listening()) process.on("SIGINT", interrupted);
  pending.add(path);
  return {
    done: () => {
      pending.delete(path);
      if (pending.size === 0 && !always) process.off("SIGINT", interrupted);
    },
  };
}

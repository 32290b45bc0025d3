/**
 * Ctrl-C (SIGINT) in the CLI, or a stop from outside (SIGTERM from `kill` or a service manager, SIGHUP when the
 * terminal closes): whatever the command was doing, the temporary files being written are removed, the terminal gets
 * back the cursor and the line wrap a progress bar turned off, and one line says the run was interrupted. Exit code
 * 128 + the signal's number (130 for Ctrl-C), as a shell reports a command ended by that signal.
 */
import { unlinkSync } from "node:fs";

/** Show the cursor, turn line wrap back on (cli-progress hides the one and turns off the other while it draws). */
export const RESTORE_TERMINAL = "\u001b[?25h\u001b[?7h";

/** Temporary files being written; removed on a stop before they are renamed into place. */
const pending = new Set<string>();
/** Whether the handler is on for the whole run (the CLI), not only while files are pending (writeFileAtomic alone). */
let always = false;

/** The stops that end a run, with the exit code a shell gives a command ended by each. */
const STOPS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Stop = keyof typeof STOPS;

function interrupted(signal: NodeJS.Signals): void {
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
  process.exit(STOPS[signal as Stop] ?? 130);
}

const listening = () => process.listeners("SIGINT").includes(interrupted);
const listen = () => {
  for (const signal of Object.keys(STOPS) as Stop[]) process.on(signal, interrupted);
};
const stopListening = () => {
  for (const signal of Object.keys(STOPS) as Stop[]) process.off(signal, interrupted);
};

/** Handles Ctrl-C and the other stops for the rest of the run: the CLI calls it at start. */
export function handleInterrupts(): void {
  always = true;
  if (!listening()) listen();
}

/**
 * Removes `path` if a stop comes before `done` is called. Outside the CLI's run (writeFileAtomic as a library), the
 * handler is there only while a file is pending.
 */
export function removeOnInterrupt(path: string): { done: () => void } {
  if (!listening()) listen();
  pending.add(path);
  return {
    done: () => {
      pending.delete(path);
      if (pending.size === 0 && !always) stopListening();
    },
  };
}

import { FORMAT_INFO, HarmonizerInputError, isInputError, type TargetLength } from "#engine";
import { UsageError } from "./options.ts";

/** Why each engine needs the minimum input length, for the message when an input is shorter. */
const ENGINE_NEEDS: Readonly<Record<string, string>> = {
  remix: "the remix engine finds the song's beats and phrases in it, to re-arrange them",
  conductor: "the conductor re-arranges the song's own phrases, and its model reads that much of the song at a time",
  hybrid: "the hybrid engine re-arranges the song's own phrases, and its model predicts from that much context",
  neural: "the neural engine's model predicts each next 10 s from 20 s of context",
};

/**
 * The engine's refusals in the command line's words: a too-short input says what the chosen engine needs the length
 * for; a target over the limit (a multiple like x3, known once the song is decoded) names the flag that raises it.
 */
export function explainRefusal(error: unknown, engine: string): unknown {
  if (!isInputError(error)) return error;
  if (error.code === "TOO_SHORT") {
    const need = ENGINE_NEEDS[engine] ?? `the ${engine} engine needs it`;
    return new HarmonizerInputError("TOO_SHORT", `${error.message} (${need})`, { cause: error });
  }
  if (error.code === "INVALID_TARGET" && error.message.includes("too long")) {
    return new HarmonizerInputError("INVALID_TARGET", `${error.message}; raise it with --max-target-minutes`, {
      cause: error,
    });
  }
  return error;
}

/**
 * Refuses a target over --max-target-minutes before any work, naming the flag that raises the limit. A multiple of
 * the song's length (x2) is checked by the engine once the song is decoded.
 */
export function checkTargetLimit(target: TargetLength, maxTargetMinutes: number): void {
  if (!("seconds" in target)) return;
  const targetSeconds = target.seconds;
  if (targetSeconds > maxTargetMinutes * 60) {
    throw new UsageError(
      `--to ${targetSeconds} s is longer than the limit of ${maxTargetMinutes} min (${maxTargetMinutes * 60} s); ` +
        "raise it with --max-target-minutes",
    );
  }
}

/**
 * The note when -o has no extension and the format is added. A WAV input's depth is known only once it is decoded (the
 * result keeps it): the note names the container then, not a depth it cannot know yet.
 */
export function noExtensionNote(
  output: { path: string; format: keyof typeof FORMAT_INFO },
  format: string | undefined,
): string {
  const why = format === undefined ? "the input's own format" : `--format ${format}`;
  const info = FORMAT_INFO[output.format];
  const label = format === undefined && info.extension === ".wav" ? "WAV" : info.label;
  return `note: -o has no extension: writing ${output.path} (${label}, ${why})`;
}

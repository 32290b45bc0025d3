import {
  FORMAT_INFO,
  HarmonizerInputError,
  isInputError,
  isLossy,
  MIN_TARGET_SECONDS,
  QUALITY_KBPS_RANGE,
  type ResolvedOutput,
  type TargetLength,
} from "#engine";
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
 * for; an input over the limit, or a target over it (a multiple like x3, known once the song is decoded), names the
 * flag that raises it.
 */
export function explainRefusal(error: unknown, engine: string): unknown {
  if (!isInputError(error)) return error;
  if (error.code === "TOO_SHORT") {
    const need = ENGINE_NEEDS[engine] ?? `the ${engine} engine needs it`;
    return new HarmonizerInputError("TOO_SHORT", `${error.message} (${need})`, { cause: error });
  }
  if (error.code === "TOO_LONG") {
    return new HarmonizerInputError("TOO_LONG", `${error.message}; raise it with --max-input-minutes`, {
      cause: error,
    });
  }
  if (error.code === "INVALID_TARGET" && error.message.includes("too long")) {
    return new HarmonizerInputError("INVALID_TARGET", `${error.message}; raise it with --max-target-minutes`, {
      cause: error,
    });
  }
  return error;
}

/**
 * Refuses a target over --max-target-minutes, or under the shortest any song is made, before any work, naming the
 * flag that raises the limit. A multiple of the song's length (x2) is checked by the engine once the song is decoded.
 */
export function checkTargetLimit(target: TargetLength, maxTargetMinutes: number): void {
  if (!("seconds" in target)) return;
  const targetSeconds = target.seconds;
  if (targetSeconds < MIN_TARGET_SECONDS) {
    throw new UsageError(
      `the target of ${targetSeconds} s is too short; ask for at least ${MIN_TARGET_SECONDS} s ` +
        `(a song is shortened to no less than its intro, one phrase and its ending, and never below ${MIN_TARGET_SECONDS} s)`,
    );
  }
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

/** The song, --to and -o, or a usage error naming every one of them that is missing. */
export function requireAll<F extends { to?: unknown; output?: string }>(
  input: string | undefined,
  flags: F,
): [string, F & { to: NonNullable<F["to"]>; output: string }] {
  const missing = [
    ...(input === undefined ? ["the song to extend (<input>)"] : []),
    ...(flags.to === undefined ? ["--to <length>"] : []),
    ...(flags.output === undefined ? ["-o <file>"] : []),
  ];
  if (missing.length > 0) {
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)}`;
    throw new UsageError(`missing: ${list} (see harmonizer extend --help)`);
  }
  return [input!, flags as F & { to: NonNullable<F["to"]>; output: string }];
}

/** Refuses, before any work, a --quality the output's format cannot use or reach, naming what it can. */
export function checkQuality(kbps: number | undefined, output: ResolvedOutput): void {
  if (kbps === undefined) return;
  const { label } = FORMAT_INFO[output.format];
  if (!isLossy(output.format))
    throw new UsageError(
      `--quality sets a lossy format's bitrate; ${output.path} is ${label}, which keeps every sample`,
    );
  const [lowest, highest] = QUALITY_KBPS_RANGE[output.format];
  if (kbps < lowest || kbps > highest)
    throw new UsageError(`--quality ${kbps}: ${label} reaches ${lowest} to ${highest} kbit/s`);
}

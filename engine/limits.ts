import { HarmonizerInputError } from "./errors.ts";

/** Limits every entry point (CLI, validator Lambda, worker) applies the same way. */
export interface InputLimits {
  /** The model needs 20 s of context. */
  readonly minInputSeconds: number;
  readonly maxInputSeconds: number;
  readonly maxTargetSeconds: number;
  readonly maxUploadBytes: number;
}

export const DEFAULT_LIMITS: InputLimits = {
  minInputSeconds: 20,
  maxInputSeconds: 20 * 60,
  maxTargetSeconds: 60 * 60,
  maxUploadBytes: 200 * 1024 * 1024,
};

/**
 * Decoders stop once they have produced this many seconds: the input limit plus 1 s, so a file whose header
 * understates its length (a decompression bomb) is refused as TOO_LONG without ever being decoded in full.
 */
export const decodeCapSeconds = (limits: Pick<InputLimits, "maxInputSeconds">): number => limits.maxInputSeconds + 1;

const round1 = (x: number): string => (Math.round(x * 10) / 10).toString();

/**
 * The one target rule (validator, worker and engine): a finite number of seconds, at least the song's
 * length, at most limits.maxTargetSeconds. Throws INVALID_TARGET naming the limit.
 */
export function checkTargetSeconds(targetSeconds: number, inputSeconds: number, limits: InputLimits): void {
  if (!Number.isFinite(targetSeconds)) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `the target must be a number of seconds, got ${targetSeconds}; at most ${limits.maxTargetSeconds} s is possible`,
    );
  }
  if (targetSeconds < inputSeconds) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `the target of ${round1(targetSeconds)} s is shorter than the song (${round1(inputSeconds)} s); ask for at least ${round1(inputSeconds)} s`,
    );
  }
  if (targetSeconds > limits.maxTargetSeconds) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `the target of ${round1(targetSeconds)} s is too long; at most ${limits.maxTargetSeconds} s is possible`,
    );
  }
}

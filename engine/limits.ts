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
  // Rendering, drawing and encoding read the result window by window: memory does not grow with the target.
  maxTargetSeconds: 10 * 60 * 60,
  maxUploadBytes: 200 * 1024 * 1024,
};

/**
 * Decoders stop once they have produced this many seconds: the input limit plus 1 s, so a file whose header
 * understates its length (a decompression bomb) is refused as TOO_LONG without ever being decoded in full.
 */
export const decodeCapSeconds = (limits: Pick<InputLimits, "maxInputSeconds">): number => limits.maxInputSeconds + 1;

const round1 = (x: number): string => (Math.round(x * 10) / 10).toString();

/**
 * The shortest target any song may be shortened to, seconds: the validator knows only the duration, so this is the
 * lower bound it can check; the engine then refines it from the song's form (its intro, one phrase and its ending).
 */
export const MIN_TARGET_SECONDS = 20;

/**
 * The one target rule (validator, worker and engine): a finite number of seconds, at least MIN_TARGET_SECONDS (or
 * the song's length, when that is shorter), at most limits.maxTargetSeconds. Throws INVALID_TARGET naming the limit.
 */
export function checkTargetSeconds(targetSeconds: number, inputSeconds: number, limits: InputLimits): void {
  if (!Number.isFinite(targetSeconds)) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `the target must be a number of seconds, got ${targetSeconds}; at most ${limits.maxTargetSeconds} s is possible`,
    );
  }
  const shortest = Math.min(inputSeconds, MIN_TARGET_SECONDS);
  if (targetSeconds < shortest) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `the target of ${round1(targetSeconds)} s is too short; ask for at least ${round1(shortest)} s ` +
        `(a song is shortened to no less than its intro, one phrase and its ending, and never below ${MIN_TARGET_SECONDS} s)`,
    );
  }
  if (targetSeconds > limits.maxTargetSeconds) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `the target of ${round1(targetSeconds)} s is too long; at most ${limits.maxTargetSeconds} s is possible`,
    );
  }
}

/** Sample rates and channel counts every entry point accepts: the validator refuses what the decoder would. */
export const STREAM_LIMITS = { minSampleRate: 8_000, maxSampleRate: 192_000, maxChannels: 8 } as const;

/**
 * Decoded samples (frames x channels) one input may hold: the longest input at 48 kHz with 8 channels (or at
 * 192 kHz in stereo), 1.8 GB as floats. Decoders stop at it before allocating more; the validator checks
 * seconds x rate x channels against it.
 */
export const decodedSampleBudget = (limits: Pick<InputLimits, "maxInputSeconds">): number =>
  decodeCapSeconds(limits) * 48_000 * STREAM_LIMITS.maxChannels;

/** Refuses a stream whose rate or channel count is outside STREAM_LIMITS (UNSUPPORTED_CODEC, naming the range). */
export function checkStreamShape(sampleRate: number, channels: number): void {
  const { minSampleRate, maxSampleRate, maxChannels } = STREAM_LIMITS;
  if (!(sampleRate >= minSampleRate && sampleRate <= maxSampleRate)) {
    throw new HarmonizerInputError(
      "UNSUPPORTED_CODEC",
      `the sample rate is ${sampleRate} Hz; from ${minSampleRate} to ${maxSampleRate} Hz is accepted`,
    );
  }
  if (!(channels >= 1 && channels <= maxChannels)) {
    throw new HarmonizerInputError(
      "UNSUPPORTED_CODEC",
      `the file has ${channels} channels; from 1 to ${maxChannels} are accepted`,
    );
  }
}

/** TOO_LARGE: decoding `samples` (frames x channels) would pass the budget. */
export function overSampleBudget(samples: number, budget: number): HarmonizerInputError {
  const millions = (n: number) => `${(n / 1e6).toFixed(1)} million`;
  return new HarmonizerInputError(
    "TOO_LARGE",
    `the audio holds more than ${millions(samples)} samples (seconds x sample rate x channels); ` +
      `at most ${millions(budget)} are accepted`,
  );
}

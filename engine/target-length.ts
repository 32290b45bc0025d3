import { HarmonizerInputError } from "./errors.ts";
import { MIN_TARGET_SECONDS } from "./limits.ts";

/**
 * A result length as people write it: seconds ("90", "1:30", "1:00:00", "90s", "10m", "1h30m") or a multiple of
 * the song's own length ("x2", "x1.5"). The CLI's `--to`, the upload's `target-seconds` metadata, an upload's
 * folder (`10m/song.mp3`) and the stack's default target all take these forms.
 */
export type TargetLength = { readonly seconds: number } | { readonly times: number };

export const LENGTH_FORMS = "90, 1:30, 10:00, 1:00:00, 90s, 10m, 1h, 1h30m, or x2 (twice the song)";

const CLOCK = /^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/;
const UNITS = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?:in)?)?(?:(\d+(?:\.\d+)?)s)?$/;
const TIMES = /^(?:x(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)x)$/;

/** The length `text` names, or undefined when it is not one of LENGTH_FORMS (any case, spaces trimmed). */
export function readLength(text: string): TargetLength | undefined {
  const length = readAnyLength(text);
  return length !== undefined && lengthValue(length) > 0 ? length : undefined;
}

/** Whether `text` is one of LENGTH_FORMS worth zero ("0", "0s", "x0"): then the refusal names the shortest target. */
export const namesZeroLength = (text: string): boolean => readAnyLength(text) !== undefined && !readLength(text);

export const ZERO_LENGTH_REFUSAL = `is no time at all; ask for at least ${MIN_TARGET_SECONDS} s`;

const lengthValue = (length: TargetLength): number => ("seconds" in length ? length.seconds : length.times);

/** readLength's forms, zero included; undefined for any other text. */
function readAnyLength(text: string): TargetLength | undefined {
  const value = text.trim().toLowerCase();
  if (value === "") return undefined;
  const times = TIMES.exec(value);
  if (times) return finite({ times: Number(times[1] ?? times[2]) });
  if (/^\d+(?:\.\d+)?$/.test(value)) return finite({ seconds: Number(value) });
  const clock = CLOCK.exec(value);
  if (clock) {
    const [, hours, minutes, seconds] = clock;
    // "1:30" is minutes:seconds; "1:00:00" is hours:minutes:seconds. A field past its range is a typo.
    if (Number(seconds) >= 60 || (hours !== undefined && Number(minutes) >= 60)) return undefined;
    return finite({ seconds: Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds) });
  }
  const units = UNITS.exec(value);
  if (units?.slice(1).some((part) => part !== undefined)) {
    const [, hours, minutes, seconds] = units.map((part) => Number(part ?? 0));
    return finite({ seconds: hours! * 3600 + minutes! * 60 + seconds! });
  }
  return undefined;
}

function finite(length: TargetLength): TargetLength | undefined {
  return Number.isFinite(lengthValue(length)) ? length : undefined;
}

/** Like readLength, but a text that names no length is refused, naming `what` and the accepted forms. */
export function parseLength(text: string, what: string): TargetLength {
  const length = readLength(text);
  if (length !== undefined) return length;
  throw new HarmonizerInputError(
    "INVALID_TARGET",
    `${what} "${text}" ${namesZeroLength(text) ? ZERO_LENGTH_REFUSAL : `is not a length; give one like ${LENGTH_FORMS}`}`,
  );
}

/** Seconds of the result for a song `inputSeconds` long (a plain number is seconds already). */
export const lengthSeconds = (length: number | TargetLength, inputSeconds: number): number =>
  typeof length === "number" ? length : "seconds" in length ? length.seconds : length.times * inputSeconds;

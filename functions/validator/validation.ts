import { parseFormatName } from "../../engine/audio/encode/formats.ts";
import { HarmonizerInputError, isInputError } from "../../engine/errors.ts";
import { MIN_TARGET_SECONDS } from "../../engine/limits.ts";
import {
  checkStreamShape,
  checkTargetSeconds,
  decodedSampleBudget,
  type InputLimits,
  lengthSeconds,
  overSampleBudget,
  parseLength,
  readLength,
  type TargetLength,
} from "../../contract/pipeline.ts";
import { DEFAULT_FORM, FORM_SETTINGS, type FormSetting } from "../../engine/extend/types.ts";
import { type AudioFormat, FORM_METADATA, TARGET_SECONDS_METADATA } from "../../contract/pipeline.ts";

/** What music-metadata learned from the start of an upload. */
export interface AudioProbe {
  readonly container?: string | undefined;
  readonly codec?: string | undefined;
  readonly seconds?: number | undefined;
  readonly sampleRate?: number | undefined;
  readonly channels?: number | undefined;
}

/** An upload that passed every check: what the job message says about its input. */
export interface AcceptedInput {
  readonly format: AudioFormat;
  readonly seconds: number;
  readonly sampleRate: number;
  readonly channels: number;
}

const round1 = (x: number): string => (Math.round(x * 10) / 10).toString();
const megabytes = (bytes: number): string => `${round1(bytes / (1024 * 1024))} MB`;

/** Maps music-metadata's container/codec names to the formats the engine decodes. */
export function audioFormatOf(probe: AudioProbe): AudioFormat | undefined {
  const container = (probe.container ?? "").toLowerCase();
  const codec = (probe.codec ?? "").toLowerCase();
  if (container === "wave" || container === "wav") {
    // 65534 is WAVE_FORMAT_EXTENSIBLE (sox, multichannel); its sub-format (PCM or float) is in the engine's hands.
    return codec === "pcm" || codec === "ieee_float" || codec === "non-pcm (65534)" ? "wav" : undefined;
  }
  if (container === "mpeg" && codec.includes("layer 3")) return "mp3";
  if (container === "ogg" && codec.startsWith("vorbis")) return "ogg-vorbis";
  if (container === "ogg" && codec.startsWith("opus")) return "ogg-opus";
  if (container === "flac") return "flac";
  return undefined;
}

/** Rejects an object before it is read if it is empty or larger than the upload limit. */
export function checkUploadSize(bytes: number, limits: InputLimits): void {
  if (bytes === 0) throw new HarmonizerInputError("NOT_AUDIO", "the file is empty");
  if (bytes > limits.maxUploadBytes) {
    throw new HarmonizerInputError(
      "TOO_LARGE",
      `the file is ${megabytes(bytes)}; uploads of at most ${megabytes(limits.maxUploadBytes)} are accepted`,
    );
  }
}

/** Checks format, duration and stream properties; returns the accepted input or throws HarmonizerInputError. */
export function checkAudio(probe: AudioProbe, limits: InputLimits): AcceptedInput {
  const format = audioFormatOf(probe);
  if (format === undefined) {
    const found = [probe.container, probe.codec].filter(Boolean).join(" / ") || "an unknown format";
    throw new HarmonizerInputError(
      "UNSUPPORTED_CODEC",
      `the file is ${found}; supported are WAV (PCM), MP3, Ogg Vorbis, Ogg Opus and FLAC`,
    );
  }
  const { seconds, sampleRate, channels } = probe;
  if (seconds === undefined || !(seconds > 0) || !sampleRate || !channels) {
    throw new HarmonizerInputError(
      "CORRUPT_AUDIO",
      "the file's duration, sample rate or channel count could not be read",
    );
  }
  checkStreamShape(sampleRate, channels);
  if (seconds < limits.minInputSeconds) {
    throw new HarmonizerInputError(
      "TOO_SHORT",
      `the song is ${round1(seconds)} s long; at least ${limits.minInputSeconds} s is needed`,
    );
  }
  if (seconds > limits.maxInputSeconds) {
    throw new HarmonizerInputError(
      "TOO_LONG",
      `the song is ${round1(seconds)} s long; at most ${limits.maxInputSeconds} s is accepted`,
    );
  }
  // The worker's decoder stops at the same budget; a header that understates the length is caught there.
  const samples = seconds * sampleRate * channels;
  if (samples > decodedSampleBudget(limits)) throw overSampleBudget(samples, decodedSampleBudget(limits));
  return { format, seconds, sampleRate, channels };
}

/** The job's target: seconds, and when it is a multiple of the song, that multiple (the worker applies it). */
export interface ResolvedTarget {
  readonly seconds: number;
  readonly times?: number;
}

/**
 * The requested duration, from the first that names one: the upload's `target-seconds` metadata, the folder the
 * file is in (`10m/song.mp3`, `x2/song.mp3`: a folder whose name is no length is just a folder), the deploy's
 * default. Any form `--to` takes. A named target must pass the one target rule (checkTargetSeconds), as in the
 * worker; the default multiple (twice the song) is kept within the target limit and the shortest result instead.
 */
export function resolveTarget(
  upload: { readonly metadata: string | undefined; readonly key: string },
  inputSeconds: number,
  defaultTarget: TargetLength,
  limits: InputLimits,
): ResolvedTarget {
  const metadata = upload.metadata?.trim();
  if (metadata !== undefined && metadata !== "") {
    const source = ` (set by the ${TARGET_SECONDS_METADATA} metadata "${metadata}")`;
    return checkedTarget(parseLength(metadata, TARGET_SECONDS_METADATA), inputSeconds, limits, source);
  }
  const folder = upload.key.split("/").at(-2);
  const fromFolder = folder === undefined ? undefined : readLength(folder);
  if (fromFolder !== undefined) {
    return checkedTarget(fromFolder, inputSeconds, limits, ` (set by the folder "${folder}/")`);
  }
  const seconds = lengthSeconds(defaultTarget, inputSeconds);
  if ("times" in defaultTarget && seconds > limits.maxTargetSeconds) return { seconds: limits.maxTargetSeconds };
  // A default below one (x0.5) would refuse a plain drop of a short song: raise it to the shortest result instead.
  const shortest = Math.min(inputSeconds, MIN_TARGET_SECONDS);
  if ("times" in defaultTarget && seconds < shortest) return { seconds: shortest };
  return checkedTarget(defaultTarget, inputSeconds, limits, " (the service's default length)");
}

function checkedTarget(length: TargetLength, inputSeconds: number, limits: InputLimits, source: string) {
  const seconds = lengthSeconds(length, inputSeconds);
  try {
    checkTargetSeconds(seconds, inputSeconds, limits);
  } catch (error) {
    if (!isInputError(error)) throw error;
    throw new HarmonizerInputError(error.code, `${error.message}${source}`, { cause: error });
  }
  return "times" in length ? { seconds, times: length.times } : { seconds };
}

/** The requested form: the upload's `form` metadata (any case, spaces trimmed), else auto. */
export function resolveForm(requested: string | undefined): FormSetting {
  const text = requested?.trim().toLowerCase();
  if (text === undefined || text === "") return DEFAULT_FORM;
  const form = FORM_SETTINGS.find((allowed) => allowed === text);
  if (form !== undefined) return form;
  const allowed = FORM_SETTINGS.join(", ");
  throw new HarmonizerInputError(
    "INVALID_TARGET",
    `${FORM_METADATA} "${requested}" is not a form this service knows; give one of ${allowed}, or leave it out for ${DEFAULT_FORM}`,
  );
}

/** The `format` metadata: absent means the upload's own format; an unknown name is refused, naming the choices. */
export function checkOutputFormat(requested: string | undefined): void {
  if (requested === undefined || requested.trim() === "") return;
  parseFormatName(requested);
}

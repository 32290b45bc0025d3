import { extname } from "node:path";
import { HarmonizerInputError } from "../../errors.ts";
import type { DecodedAudio } from "../decoded.ts";

/** Every file format the engine writes. */
export type OutputFormat = "wav16" | "wav24" | "wav32f" | "flac" | "mp3" | "ogg-vorbis" | "ogg-opus";

export const OUTPUT_FORMATS: readonly OutputFormat[] = [
  "wav16",
  "wav24",
  "wav32f",
  "flac",
  "mp3",
  "ogg-vorbis",
  "ogg-opus",
];

interface FormatInfo {
  /** The file extension written for this format (with the dot). */
  readonly extension: string;
  readonly mimeType: string;
  /** In words, for the terminal, the page and the email. */
  readonly label: string;
}

export const FORMAT_INFO: Readonly<Record<OutputFormat, FormatInfo>> = {
  wav16: { extension: ".wav", mimeType: "audio/wav", label: "WAV 16-bit" },
  wav24: { extension: ".wav", mimeType: "audio/wav", label: "WAV 24-bit" },
  wav32f: { extension: ".wav", mimeType: "audio/wav", label: "WAV 32-bit float" },
  flac: { extension: ".flac", mimeType: "audio/flac", label: "FLAC" },
  mp3: { extension: ".mp3", mimeType: "audio/mpeg", label: "MP3" },
  "ogg-vorbis": { extension: ".ogg", mimeType: "audio/ogg", label: "Ogg Vorbis" },
  "ogg-opus": { extension: ".opus", mimeType: "audio/ogg; codecs=opus", label: "Ogg Opus" },
};

/** The most channels each format's encoder here writes (WAV and FLAC: every count the decoder accepts, up to 8). */
const MAX_CHANNELS: Readonly<Record<OutputFormat, number>> = {
  wav16: 8,
  wav24: 8,
  wav32f: 8,
  flac: 8,
  mp3: 2,
  "ogg-vorbis": 2,
  "ogg-opus": 2,
};

/**
 * Refuses (UNSUPPORTED_CODEC, before any work) a result `format` cannot carry: 5.1 into MP3, Vorbis or Opus, whose
 * encoders here write 1 or 2 channels. It was found only when encoding, after the whole job, as an unexpected error.
 */
export function checkChannelsFor(format: OutputFormat, channels: number): void {
  if (channels <= MAX_CHANNELS[format]) return;
  throw new HarmonizerInputError(
    "UNSUPPORTED_CODEC",
    `${FORMAT_INFO[format].label} carries 1 or 2 channels, and this song has ${channels}: choose WAV or FLAC, which carry up to 8`,
  );
}

/** Names accepted by --format and the `format` metadata key. */
const FORMAT_NAMES: Readonly<Record<string, OutputFormat>> = {
  wav: "wav16",
  wav16: "wav16",
  wav24: "wav24",
  wav32f: "wav32f",
  "wav-16": "wav16",
  "wav-24": "wav24",
  "wav-32f": "wav32f",
  flac: "flac",
  mp3: "mp3",
  ogg: "ogg-vorbis",
  vorbis: "ogg-vorbis",
  "ogg-vorbis": "ogg-vorbis",
  opus: "ogg-opus",
  "ogg-opus": "ogg-opus",
};

const EXTENSIONS: Readonly<Record<string, OutputFormat>> = {
  ".wav": "wav16",
  ".flac": "flac",
  ".mp3": "mp3",
  ".ogg": "ogg-vorbis",
  ".oga": "ogg-vorbis",
  ".opus": "ogg-opus",
};

export const FORMAT_CHOICES = "wav, wav24, wav32f, flac, mp3, ogg (Vorbis) or opus";
const EXTENSION_CHOICES = ".wav, .flac, .mp3, .ogg, .oga or .opus";

/** The format a --format value or `format` metadata value names; a clear error for anything else. */
export function parseFormatName(name: string): OutputFormat {
  const format = FORMAT_NAMES[name.trim().toLowerCase()];
  if (format === undefined) {
    throw new HarmonizerInputError("UNSUPPORTED_CODEC", `unknown output format "${name}": use ${FORMAT_CHOICES}`);
  }
  return format;
}

/** WAV at the input's own depth (float for lossy sources), or the input's own compressed format. */
export function defaultOutputFormat(input: Pick<DecodedAudio, "format" | "bitDepth">): OutputFormat {
  switch (input.format) {
    case "wav":
      return wavFormatForDepth(input.bitDepth ?? "32f");
    case "flac":
      return "flac";
    case "mp3":
      return "mp3";
    case "ogg-vorbis":
      return "ogg-vorbis";
    case "ogg-opus":
      return "ogg-opus";
  }
}

function wavFormatForDepth(depth: 16 | 24 | "32f"): OutputFormat {
  return depth === 16 ? "wav16" : depth === 24 ? "wav24" : "wav32f";
}

export interface ResolvedOutput {
  readonly format: OutputFormat;
  /** Where the result goes: `path`, with the format's extension added when it had none. */
  readonly path: string;
  /** Why this format, in words ("from -o's extension", "--format", "the input's own format"). */
  readonly reason: string;
  /** Set when --format writes a format other than the one -o's extension names (players go by the extension). */
  readonly mismatch?: string;
}

/**
 * The output format and file: --format wins; else -o's extension (.wav keeps a lossless input's depth);
 * else the input's own format, and the extension is added to the path. An unknown extension is an error.
 */
export function resolveOutput(
  path: string,
  input: Pick<DecodedAudio, "format" | "bitDepth">,
  formatName?: string,
): ResolvedOutput {
  const extension = extname(path).toLowerCase();
  if (formatName !== undefined) {
    const format = parseFormatName(formatName);
    const named = EXTENSIONS[extension];
    const container = (f: OutputFormat) => FORMAT_INFO[f].mimeType.split(";")[0];
    const differs = named !== undefined && container(named) !== container(format);
    return {
      format,
      path: extension === "" ? path + FORMAT_INFO[format].extension : path,
      reason: `--format ${formatName}`,
      ...(differs && {
        mismatch: `${path} will hold ${FORMAT_INFO[format].label} (--format ${formatName}), although its extension is ${extension}`,
      }),
    };
  }
  if (extension === "") {
    const format = defaultOutputFormat(input);
    return {
      format,
      path: path + FORMAT_INFO[format].extension,
      reason: "the input's own format; -o had no extension",
    };
  }
  const byExtension = EXTENSIONS[extension];
  if (byExtension === undefined) {
    throw new HarmonizerInputError(
      "UNSUPPORTED_CODEC",
      `cannot write "${extension}" files: give -o one of ${EXTENSION_CHOICES}, or --format ${FORMAT_CHOICES}`,
    );
  }
  if (byExtension === "wav16") {
    // Lossless inputs keep their depth (the original part stays sample-identical); lossy ones are written as float.
    const depth = input.format === "wav" || input.format === "flac" ? (input.bitDepth ?? "32f") : "32f";
    return { format: wavFormatForDepth(depth), path, reason: "-o's extension" };
  }
  return { format: byExtension, path, reason: "-o's extension" };
}

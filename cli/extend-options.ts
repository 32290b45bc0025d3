import { type Command, InvalidArgumentError, Option } from "commander";
import {
  BACKEND_CHOICES,
  type BackendChoice,
  DEFAULT_ENGINE,
  DEFAULT_FADE_OUT_SECONDS,
  DEFAULT_FORM,
  DEFAULT_LIMITS,
  ENGINES,
  type EngineName,
  FORM_SETTINGS,
  FORMAT_CHOICES,
  type FormSetting,
  type TargetLength,
} from "#engine";
import {
  DEFAULT_MODEL_DIR,
  formSetting,
  nonNegativeNumber,
  positiveNumber,
  required,
  targetLength,
} from "./options.ts";

/** `harmonizer extend`'s flags, as commander parses them. */
export interface ExtendFlags {
  to: TargetLength;
  output: string;
  model?: string;
  engine: EngineName;
  form: FormSetting;
  backend: BackendChoice;
  fadeOut: number;
  crossfade?: number;
  maxInputMinutes: number;
  maxTargetMinutes: number;
  picture: boolean;
  report: boolean;
  page: boolean;
  format?: string;
  quality?: number;
  encodeThreads?: number;
  json: boolean;
  force: boolean;
  progress: boolean;
  recursive: boolean;
}

const QUALITY_HELP =
  "a lossy result's bitrate in kbit/s (mp3 32-320, ogg 48-500, opus 6-510; VBR formats come near it); default: the input's own when it is lossy, else -V 0 / quality 6 / 160";

/** More encoding threads than this only cost memory (about 30 MB and a segment each), on any machine here. */
const MAX_ENCODE_THREADS = 32;

const encodeThreads = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_ENCODE_THREADS)
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_ENCODE_THREADS}, got "${value}"`);
  return parsed;
};

/**
 * The longest --crossfade: the neural engine overlaps its predictions by at most half their 10 s anyway, and the
 * beat-based engines start a longer blend so far before each cut that it eats the intro (0 s of it kept at 99 s).
 */
const MAX_CROSSFADE_SECONDS = 5;

const crossfadeSeconds = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > MAX_CROSSFADE_SECONDS)
    throw new InvalidArgumentError(
      `expected seconds from 0 to ${MAX_CROSSFADE_SECONDS} (longer blends eat the intro and whole phrases), got "${value}"`,
    );
  return parsed;
};

/** Adds extend's flags, with their help and defaults, to `command`. */
export function withExtendOptions(command: Command): Command {
  return command
    .option(
      "--to <length>",
      required(
        "duration of the result: 90, 1:30, 10:00, 1:00:00, 90s, 10m, 1h30m, or x2 (twice the song); shorter than the song leaves phrases out",
      ),
      targetLength,
    )
    .option(
      "-o, --output <file>",
      required(
        "where to write the extended song (a folder when <input> is one); .wav .flac .mp3 .ogg .oga .opus pick the format, no extension keeps the input's",
      ),
    )
    .option("--format <name>", `output format, whatever -o's extension: ${FORMAT_CHOICES}`)
    .option("--quality <kbps>", QUALITY_HELP, positiveNumber)
    .option(
      "--encode-threads <n>",
      `threads encoding a FLAC, MP3, Opus or Vorbis result in segments (a WAV: packed on a second thread only when given as 2 or more), 1 to ${MAX_ENCODE_THREADS} (default: one per core; 1: all in one thread)`,
      encodeThreads,
    )
    .option(
      "--model <dir>",
      `trained model directory (default: the shipped conductor for --engine conductor; ${DEFAULT_MODEL_DIR}, when it exists, for hybrid and neural)`,
    )
    .addOption(new Option("--engine <name>", "how the extension is made").choices(ENGINES).default(DEFAULT_ENGINE))
    .addOption(
      new Option(
        "--form <name>",
        "song (intro, re-sequenced body, own ending), continue (all of the input, then more) or auto",
      )
        .choices(FORM_SETTINGS)
        .argParser(formSetting)
        .default(DEFAULT_FORM),
    )
    .addOption(
      new Option("--backend <name>", "TensorFlow.js backend for the model").choices(BACKEND_CHOICES).default("auto"),
    )
    .option("--fade-out <seconds>", "length of the closing fade-out", nonNegativeNumber, DEFAULT_FADE_OUT_SECONDS)
    .option(
      "--crossfade <seconds>",
      `crossfade at each seam, 0 to ${MAX_CROSSFADE_SECONDS} (default: neural 0.5, conductor/remix/hybrid 0.02, lengthened to up to 0.12 for soft attacks)`,
      crossfadeSeconds,
    )
    .option(
      "--max-input-minutes <minutes>",
      "refuse longer inputs",
      positiveNumber,
      DEFAULT_LIMITS.maxInputSeconds / 60,
    )
    .option(
      "--max-target-minutes <minutes>",
      "refuse longer targets",
      positiveNumber,
      DEFAULT_LIMITS.maxTargetSeconds / 60,
    )
    .option("--no-picture", "do not write the waveform/spectrogram PNG beside the output")
    .option("--no-report", "do not write the JSON quality report beside the output (and skip the quality analysis)")
    .option(
      "--no-page",
      "do not write the result page (<name>.html, the output's name without its extension: players, picture, quality)",
    )
    .option(
      "--force",
      "replace -o when it already exists, and the picture, report and page of another result of the same name (else refused before any work)",
      false,
    )
    .option("--json", "print a JSON summary on stdout", false)
    .option("--no-progress", "hide the progress bar")
    .option("--recursive", "with a folder as <input>: its subfolders too (their structure is kept under -o)", false);
}

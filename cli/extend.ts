import { Command, Option } from "commander";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, parse, join } from "node:path";
import { DEFAULT_FADE_OUT_SECONDS, DEFAULT_ENGINE, ENGINES } from "../engine/extend/extend.ts";
import type { EngineName } from "../engine/extend/types.ts";
import { HarmonizerInputError } from "../engine/errors.ts";
import { hasModel, runExtensionJob } from "../engine/job.ts";
import { DEFAULT_LIMITS } from "../engine/limits.ts";
import type { BackendChoice } from "../engine/model/backend.ts";
import { BACKENDS, DEFAULT_MODEL_DIR, nonNegativeNumber, positiveNumber } from "./options.ts";
import { secondsProgress } from "./progress.ts";

interface ExtendFlags {
  to: number;
  output: string;
  model?: string;
  engine: EngineName;
  backend: BackendChoice;
  fadeOut: number;
  crossfade?: number;
  maxInputMinutes: number;
  maxTargetMinutes: number;
  picture: boolean;
  report: boolean;
  json: boolean;
  progress: boolean;
}

export function extendCommand(): Command {
  return new Command("extend")
    .description("extend a song (WAV, MP3, Ogg Vorbis/Opus, FLAC) to an exact duration; writes a WAV")
    .argument("<input>", "the song to extend")
    .requiredOption("--to <seconds>", "duration of the result in seconds (at least the input's)", positiveNumber)
    .requiredOption("-o, --output <file>", "where to write the extended song (WAV)")
    .option("--model <dir>", `trained model directory (default: ${DEFAULT_MODEL_DIR} when it exists)`)
    .addOption(new Option("--engine <name>", "how the extension is made").choices(ENGINES).default(DEFAULT_ENGINE))
    .addOption(new Option("--backend <name>", "TensorFlow.js backend for the model").choices(BACKENDS).default("auto"))
    .option("--fade-out <seconds>", "length of the closing fade-out", nonNegativeNumber, DEFAULT_FADE_OUT_SECONDS)
    .option("--crossfade <seconds>", "crossfade at each seam (default: neural 0.5, remix/hybrid 0.02)", nonNegativeNumber)
    .option("--max-input-minutes <minutes>", "refuse longer inputs", positiveNumber, DEFAULT_LIMITS.maxInputSeconds / 60)
    .option("--max-target-minutes <minutes>", "refuse longer targets", positiveNumber, DEFAULT_LIMITS.maxTargetSeconds / 60)
    .option("--no-picture", "do not write the waveform/spectrogram PNG beside the output")
    .option("--no-report", "do not write the JSON quality report beside the output")
    .option("--json", "print a JSON summary on stdout", false)
    .option("--no-progress", "hide the progress bar")
    .action(async (inputPath: string, flags: ExtendFlags) => {
      const modelDir = flags.model ?? (hasModel(DEFAULT_MODEL_DIR) ? DEFAULT_MODEL_DIR : undefined);
      if (flags.model !== undefined && !hasModel(flags.model)) {
        throw new HarmonizerInputError(
          "MODEL_NOT_FOUND",
          `no trained model in ${flags.model} (model.json missing): run \`npx harmonizer train --data DIR --out ${flags.model}\``,
        );
      }
      const bytes = await readFile(inputPath).catch((cause: NodeJS.ErrnoException) => {
        throw new HarmonizerInputError("NOT_AUDIO", `cannot read ${inputPath}: ${cause.code ?? cause.message}`, { cause });
      });
      const progress = secondsProgress("extending", flags.progress && !flags.json);
      const started = performance.now();
      const job = await runExtensionJob({
        bytes,
        targetSeconds: flags.to,
        engine: flags.engine,
        modelDir,
        backend: flags.backend,
        fadeOutSeconds: flags.fadeOut,
        crossfadeSeconds: flags.crossfade,
        limits: {
          ...DEFAULT_LIMITS,
          maxInputSeconds: flags.maxInputMinutes * 60,
          maxTargetSeconds: flags.maxTargetMinutes * 60,
        },
        onProgress: progress.update,
      }).finally(progress.stop);

      await mkdir(dirname(flags.output), { recursive: true });
      await writeFile(flags.output, job.wav);
      const base = join(dirname(flags.output), parse(flags.output).name);
      const written: Record<string, string> = { audio: flags.output };
      if (flags.picture) {
        written.picture = `${base}.png`;
        await writeFile(written.picture, job.picture);
      }
      if (flags.report) {
        written.report = `${base}.report.json`;
        await writeFile(written.report, `${JSON.stringify(job.report, null, 2)}\n`);
      }
      const wallSeconds = (performance.now() - started) / 1000;
      const { report } = job;
      if (flags.json) {
        console.log(JSON.stringify({ ...report, files: written, wallSeconds }, null, 2));
        return;
      }
      for (const note of report.notes) console.error(`note: ${note}`);
      console.log(
        `${inputPath} (${report.input.seconds.toFixed(1)} s) -> ${flags.output} (${report.output.seconds.toFixed(1)} s, ` +
          `${report.output.channels} ch, ${report.output.sampleRate} Hz) with the ${report.engine} engine` +
          `${report.backend ? ` on ${report.backend}` : ""}: ${report.chunks} chunks, ${report.seams.length} seams, ` +
          `${wallSeconds.toFixed(1)} s`,
      );
      for (const [kind, path] of Object.entries(written)) if (kind !== "audio") console.log(`${kind}: ${path}`);
    });
}

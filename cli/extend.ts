import { Command } from "commander";
import { dirname, join, parse } from "node:path";
import {
  buildResultPage,
  DEFAULT_LIMITS,
  type ExtensionJobInput,
  type ExtensionJobOutput,
  type OutputSink,
  FORMAT_INFO,
  GENERATOR,
  HarmonizerInputError,
  hasModel,
  relativePageLinks,
  type ResolvedOutput,
  resolveOutput,
  runExtensionJob,
  sniffFormat,
} from "#engine";
import { checkQuality, checkTargetLimit, explainRefusal, noExtensionNote, requireAll } from "./extend-checks.ts";
import { type ExtendFlags, withExtendOptions } from "./extend-options.ts";
import { encodingPhrase, printExtendSummary } from "./extend-summary.ts";
import { DEFAULT_MODEL_DIR } from "./options.ts";
import {
  checkOutputPaths,
  openFileAtomic,
  outputPaths,
  refuseExistingOutput,
  refuseForeignFiles,
  refuseOtherResults,
  staleFiles,
  staleWarning,
  writeFileAtomic,
} from "./output.ts";
import { phaseProgress, secondsProgress } from "./progress.ts";
import { isFolder } from "./folder.ts";
import { readInputFile } from "./input.ts";

export type { ExtendFlags };

export function extendCommand(): Command {
  const command = new Command("extend")
    .description("extend a song (WAV, MP3, Ogg Vorbis/Opus, FLAC), or every song in a folder, to an exact duration")
    .argument("[input]", "the song to extend, or a folder of songs (then -o names the folder for the results)")
    // Checked in the action, so that a bare `extend` names everything missing at once (commander stops at the first).
    .usage("<input> --to <length> -o <file> [options]");
  type Parsed = Omit<ExtendFlags, "to" | "output"> & Partial<ExtendFlags>;
  return withExtendOptions(command).action((input?: string, flags?: Parsed) => extend(...requireAll(input, flags!)));
}

async function extend(inputPath: string, flags: ExtendFlags): Promise<void> {
  if (isFolder(inputPath)) return (await import("./extend-batch.ts")).extendFolder(inputPath, flags);
  const modelDir = chooseModel(flags);
  checkOutputPaths(inputPath, flags.output, filesToWrite(flags));
  checkTargetLimit(flags.to, flags.maxTargetMinutes);
  const bytes = await readInputFile(inputPath);
  const output = resolveOutput(flags.output, { format: sniffFormat(bytes) ?? "wav" }, flags.format);
  const resolved = { ...flags, output: output.path };
  if (output.path !== flags.output) {
    checkOutputPaths(inputPath, output.path, filesToWrite(resolved));
    if (!flags.json) console.error(noExtensionNote(output, flags.format));
  }
  if (output.mismatch !== undefined) console.error(`warning: ${output.mismatch}`);
  checkQuality(flags.quality, output);
  refuseExistingOutput(output.path, flags.force);
  refuseForeignFiles(filesBeside(resolved));
  refuseOtherResults(inputPath, output.path, filesBeside(resolved), flags.force);
  const started = performance.now();
  // The result is encoded straight into a file beside -o, renamed into place once the job has succeeded.
  const audioFile = await openFileAtomic(outputPaths(resolved.output).audio);
  let written: Record<string, string>;
  let job: ExtensionJobOutput;
  try {
    job = await runJob(bytes, inputPath, modelDir, flags, runExtensionJob, audioFile.sink);
    await audioFile.commit();
    written = await writeOutputs(resolved, job, inputPath, { audioInPlace: true });
  } finally {
    await audioFile.abort();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  for (const stale of staleFiles(turnedOff(resolved))) console.error(`warning: ${staleWarning(stale)}`);
  if (flags.json) {
    console.log(JSON.stringify({ ...job.report, files: written, wallSeconds }, null, 2));
    return;
  }
  printExtendSummary(job.report, { input: inputPath, files: written, wallSeconds });
  console.log(
    `format: ${FORMAT_INFO[job.report.outputFormat].label} (${describeChoice(output)})${encodingPhrase(job.report)}`,
  );
}

/**
 * The conductor engine uses the shipped conductor unless --model names another; the raw-audio engines look for a
 * model trained into models/default. A --model without a model in it is refused.
 */
export function chooseModel(flags: ExtendFlags): string | undefined {
  if (flags.model !== undefined && !hasModel(flags.model)) {
    throw new HarmonizerInputError(
      "MODEL_NOT_FOUND",
      `no trained model in ${flags.model} (model.json missing): run \`npx harmonizer train --data DIR --out ${flags.model}\``,
    );
  }
  const rawAudio = flags.engine === "hybrid" || flags.engine === "neural";
  return flags.model ?? (rawAudio && hasModel(DEFAULT_MODEL_DIR) ? DEFAULT_MODEL_DIR : undefined);
}

/** The extension job with the flags' settings, its progress on stderr; `run`: a batch's runner (createJobRunner). */
export async function runJob(
  bytes: Uint8Array,
  inputPath: string,
  modelDir: string | undefined,
  flags: ExtendFlags,
  run: (job: ExtensionJobInput) => Promise<ExtensionJobOutput> = runExtensionJob,
  sink?: OutputSink,
): Promise<ExtensionJobOutput> {
  const showProgress = flags.progress && !flags.json;
  const progress = secondsProgress("extending", showProgress);
  const phases = phaseProgress(showProgress, progress.stop);
  return run({
    bytes,
    targetSeconds: "seconds" in flags.to ? flags.to.seconds : flags.to,
    engine: flags.engine,
    form: flags.form,
    modelDir,
    backend: flags.backend,
    fadeOutSeconds: flags.fadeOut,
    crossfadeSeconds: flags.crossfade,
    qualityKbps: flags.quality,
    encodeThreads: flags.encodeThreads,
    limits: {
      ...DEFAULT_LIMITS,
      maxInputSeconds: flags.maxInputMinutes * 60,
      maxTargetSeconds: flags.maxTargetMinutes * 60,
    },
    onProgress: progress.update,
    name: parse(inputPath).base,
    outputFormat: (decoded) => resolveOutput(flags.output, decoded, flags.format).format,
    // --no-report skips the quality analysis; the page and the terminal then say it was not measured.
    measure: flags.report,
    picture: flags.picture,
    onPhase: phases.update,
    ...(sink === undefined ? {} : { sink }),
  })
    .catch((error: unknown) => {
      throw explainRefusal(error, flags.engine);
    })
    .finally(() => {
      progress.stop();
      phases.stop();
    });
}

const describeChoice = (output: ResolvedOutput): string =>
  output.reason === "-o's extension" ? "from -o's extension" : output.reason;

/** The result page beside the output: <output name>.html. */
const pagePath = (output: string): string => `${join(dirname(output), parse(output).name)}.html`;

/** The files extend writes: the WAV, and the picture and the report unless turned off. */
export function filesToWrite(flags: ExtendFlags): string[] {
  return [flags.output, ...filesBeside(flags)];
}

/** The picture, the report and the page, unless turned off. */
export function filesBeside(flags: ExtendFlags): string[] {
  const paths = outputPaths(flags.output);
  return [
    ...(flags.picture ? [paths.picture] : []),
    ...(flags.report ? [paths.report] : []),
    ...(flags.page ? [pagePath(flags.output)] : []),
  ];
}

/** The picture, the report and the page turned off, each with its flag. */
export function turnedOff(flags: ExtendFlags): (readonly [string, string])[] {
  const paths = outputPaths(flags.output);
  const files = [
    [paths.picture, "--no-picture", flags.picture],
    [paths.report, "--no-report", flags.report],
    [pagePath(flags.output), "--no-page", flags.page],
  ] as const;
  return files.filter(([, , on]) => !on).map(([path, flag]) => [path, flag] as const);
}

/**
 * Writes the result (unless `audioInPlace`: the job encoded it into its file already), and beside it the picture and
 * the report unless turned off; returns what was written where.
 * Each file appears complete or not at all (see writeFileAtomic), even on Ctrl-C.
 */
export async function writeOutputs(
  flags: ExtendFlags,
  job: ExtensionJobOutput,
  inputPath: string,
  { audioInPlace = false } = {},
): Promise<Record<string, string>> {
  const paths = outputPaths(flags.output);
  if (!audioInPlace) await writeFileAtomic(paths.audio, job.encoded);
  const files: Record<string, string> = { audio: paths.audio };
  if (flags.picture) {
    await writeFileAtomic(paths.picture, job.picture);
    files.picture = paths.picture;
  }
  if (flags.report) {
    await writeFileAtomic(paths.report, `${JSON.stringify({ generator: GENERATOR, ...job.report }, null, 2)}\n`);
    files.report = paths.report;
  }
  if (flags.page) {
    const page = pagePath(flags.output);
    const links = relativePageLinks(page, {
      original: inputPath,
      result: paths.audio,
      picture: files.picture,
      report: files.report,
    });
    await writeFileAtomic(page, buildResultPage({ songName: parse(inputPath).base, report: job.report, links }));
    files.page = page;
  }
  return files;
}

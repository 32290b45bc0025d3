import { readFile } from "node:fs/promises";
import { statSync } from "node:fs";
import { join, parse, resolve } from "node:path";
import {
  BackendUnavailableError,
  createJobRunner,
  FORMAT_INFO,
  isInputError,
  type JobRunner,
  resolveOutput,
  sniffFormat,
} from "#engine";
import { checkTargetLimit } from "./extend-checks.ts";
import { printFolderSummary, type FileOutcome } from "./extend-batch-summary.ts";
import { chooseModel, type ExtendFlags, filesToWrite, runJob, turnedOff, writeOutputs } from "./extend.ts";
import { listSongs, type SongFile } from "./folder.ts";
import { SYSCALL_VERBS, UsageError } from "./options.ts";
import { describeFileError } from "../engine/file-errors.ts";
import {
  checkOutputPaths,
  refuseExistingOutput,
  refuseForeignFiles,
  refuseOtherResults,
  staleFiles,
} from "./output.ts";

/** A path without an extension: resolveOutput then gives the input's own format, or --format's. */
const OWN_FORMAT = "result";

/**
 * `harmonizer extend DIR -o OUTDIR`: every song in DIR (and its subfolders with --recursive) extended into the same
 * place under OUTDIR, one after another in this process (the model and the input-analysis thread load once). A song that
 * is refused or fails is reported and the next one goes on; the summary lists each, and the exit code is 0 only
 * when every song was extended.
 */
export async function extendFolder(inputDir: string, flags: ExtendFlags): Promise<void> {
  checkOutputFolder(inputDir, flags.output);
  checkTargetLimit(flags.to, flags.maxTargetMinutes);
  const modelDir = chooseModel(flags);
  const listing = await listSongs(inputDir, { recursive: flags.recursive, leaveOut: flags.output });
  if (listing.songs.length === 0) {
    const where = flags.recursive ? `${inputDir} or its subfolders` : `${inputDir} (--recursive looks in subfolders)`;
    throw new UsageError(`no songs (${listing.extensions.join(" ")}) in ${where}`);
  }
  const started = performance.now();
  const runner = createJobRunner();
  const outcomes: FileOutcome[] = [];
  const claimed = new Map<string, string>();
  try {
    for (const [index, song] of listing.songs.entries()) {
      const counter = `[${index + 1}/${listing.songs.length}]`;
      if (!flags.json) console.error(`${counter} ${song.relative}`);
      const outcome = await extendSong(song, flags, { modelDir, runner, claimed });
      outcomes.push(outcome);
      if (!flags.json)
        console.error(`${counter} ${describeOutcome(outcome)}${timeLeft(outcomes, listing.songs.length)}`);
    }
  } finally {
    runner.close();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  printFolderSummary({ outcomes, otherFiles: listing.otherFiles, wallSeconds, json: flags.json });
  process.exitCode = outcomes.every((o) => o.status === "extended") ? 0 : 1;
}

/** -o must be a folder other than the input folder; it is created when missing. */
function checkOutputFolder(inputDir: string, outputDir: string): void {
  const info = statSync(outputDir, { throwIfNoEntry: false });
  if (info !== undefined && !info.isDirectory()) {
    throw new UsageError(`-o ${outputDir} is a file; with a folder as input, -o names the folder for the results`);
  }
  if (resolve(outputDir) === resolve(inputDir)) {
    throw new UsageError(`-o ${outputDir} is the input folder itself; choose another folder for the results`);
  }
}

interface BatchContext {
  readonly modelDir: string | undefined;
  readonly runner: JobRunner;
  /** Every file written by this run so far, and the song it was written for. */
  readonly claimed: Map<string, string>;
}

/** One song of the folder, with the single-song command's checks; refusals and failures are returned, not thrown. */
async function extendSong(song: SongFile, flags: ExtendFlags, context: BatchContext): Promise<FileOutcome> {
  const started = performance.now();
  const base = { input: song.relative };
  try {
    const bytes = await readFile(song.path);
    const { format } = resolveOutput(OWN_FORMAT, { format: sniffFormat(bytes) ?? "wav" }, flags.format);
    const output = join(flags.output, song.folder, parse(song.path).name) + FORMAT_INFO[format].extension;
    const resolved = { ...flags, output };
    const written = filesToWrite(resolved);
    checkOutputPaths(song.path, output, written);
    const earlier = written.map((path) => context.claimed.get(resolve(path))).find((name) => name !== undefined);
    if (earlier !== undefined) {
      throw new UsageError(`its results would replace those of ${earlier} (the same name); rename one of the two`);
    }
    refuseExistingOutput(output, flags.force, true);
    refuseForeignFiles(written.slice(1));
    refuseOtherResults(song.path, output, written.slice(1), flags.force);
    const job = await runJob(bytes, song.path, context.modelDir, { ...flags, output: OWN_FORMAT }, context.runner.run);
    await writeOutputs(resolved, job, song.path);
    for (const path of written) context.claimed.set(resolve(path), song.relative);
    const { input, output: result } = job.report;
    const stale = staleFiles(turnedOff(resolved)).map(([path, flag]) => ({ path, flag }));
    return {
      ...base,
      status: "extended",
      output,
      ...(stale.length > 0 && { staleFiles: stale }),
      inputSeconds: input.seconds,
      outputSeconds: result.seconds,
      wallSeconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    const refused = error instanceof UsageError || isInputError(error) || error instanceof BackendUnavailableError;
    return {
      ...base,
      status: refused ? "refused" : "failed",
      reason: fileErrorMessage(error, song.path) ?? (error instanceof Error ? error.message : String(error)),
      wallSeconds: (performance.now() - started) / 1000,
    };
  }
}

/** A file-system error in words ("cannot write out/a.wav: the disk is full"), as main.ts gives them. */
function fileErrorMessage(error: unknown, path: string): string | undefined {
  const { syscall, path: where } = (error ?? {}) as NodeJS.ErrnoException;
  return describeFileError(error, SYSCALL_VERBS[syscall ?? ""] ?? "use", typeof where === "string" ? where : path);
}

/**
 * "; about 40 s to go": the songs left at the mean time of those extended so far. A refusal takes a fraction of a
 * second, so until one song has been extended there is no estimate (it said "about 0 s to go" with 3 songs left).
 */
function timeLeft(outcomes: readonly FileOutcome[], songs: number): string {
  const extended = outcomes.filter((o) => o.status === "extended");
  if (extended.length === 0) return "";
  const mean = extended.reduce((sum, o) => sum + o.wallSeconds, 0) / extended.length;
  return `; about ${Math.round((songs - outcomes.length) * mean)} s to go`;
}

function describeOutcome(outcome: FileOutcome): string {
  const took = `${outcome.wallSeconds.toFixed(1)} s`;
  if (outcome.status === "extended") return `extended into ${outcome.output} (${took})`;
  return `${outcome.status}: ${outcome.reason}`;
}

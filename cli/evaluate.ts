import { Command, InvalidArgumentError, Option } from "commander";
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import {
  BACKEND_CHOICES,
  type BackendChoice,
  CANDIDATES,
  type Candidate,
  evaluateEnginesOnData,
  type FileChoice,
  formatMedianTable,
  medianReports,
  scoreModel,
} from "#engine";
import { count } from "./extend-summary.ts";
import { DEFAULT_MODEL_DIR, positiveNumber, required } from "./options.ts";

interface EvaluateFlags {
  model: string;
  data: string;
  split?: string;
  files: FileChoice;
  hop?: number;
  cache?: string;
  backend: BackendChoice;
  json: boolean;
  out?: string;
  engine?: Candidate[];
  stretch: number;
  minSeconds: number;
}

const candidateList = (value: string): Candidate[] => {
  const names = value.split(",").map((v) => v.trim());
  const unknown = names.filter((n) => !(CANDIDATES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown engine or baseline "${unknown.join(", ")}"; choose from ${CANDIDATES.join(", ")}`,
    );
  }
  return names as Candidate[];
};

export function evaluateCommand(): Command {
  return new Command("evaluate")
    .description(
      "score a trained model on held-out songs: MSE of its 10 s predictions against the true next 10 s, " +
        "beside the silence and repeat-the-last-10-s baselines (a conductor: MSE and cosine of its 10 predicted " +
        "feature frames beside repeat-the-last-second, mean-of-the-last-20-s and mean-of-the-input-so-far)",
    )
    .requiredOption("--data <dir>", required("folder of audio files (the same one given to train)"))
    .option("--model <dir>", "trained model directory", DEFAULT_MODEL_DIR)
    .option(
      "--split <file>",
      "JSON file with {train, validation, test} lists (default: the split in the model's training-report.json, else train's seeded split)",
    )
    .addOption(
      new Option("--files <which>", "which files to score").choices(["test", "validation", "all"]).default("test"),
    )
    .option("--hop <seconds>", "hop between scored windows (default: 10; a conductor: 1)", positiveNumber)
    .option("--cache <dir>", "decoded-audio cache folder (default: a temp folder)")
    .addOption(new Option("--backend <name>", "TensorFlow.js backend").choices(BACKEND_CHOICES).default("auto"))
    .option("--json", "print the results as JSON", false)
    .option("--out <file>", "also write the JSON results to this file")
    .option(
      "--engine <list>",
      `instead of MSE, extend each file with these (comma-separated: ${CANDIDATES.join(", ")}) and report the median quality metrics`,
      candidateList,
    )
    .option("--stretch <factor>", "with --engine: extend each file to this many times its length", positiveNumber, 3)
    .option("--min-seconds <seconds>", "with --engine: but to at least this many seconds", positiveNumber, 180)
    .action((flags: EvaluateFlags) => (flags.engine ? evaluateEngines(flags, flags.engine) : evaluateModel(flags)));
}

/** The model's predictions on the held-out files, beside its baselines. */
async function evaluateModel(flags: EvaluateFlags): Promise<void> {
  const scored = await scoreModel({
    modelDir: flags.model,
    dataDir: flags.data,
    splitFile: flags.split,
    files: flags.files,
    hopSeconds: flags.hop,
    cacheDir: flags.cache,
    backend: flags.backend,
  });
  const { table, fileCount, result, ...header } = scored;
  await printResults(flags, { ...header, ...result }, () => {
    const what = scored.kind === "conductor" ? `conductor ${flags.model}` : `model ${flags.model}`;
    console.log(`${what} on ${scored.backend}, ${scoredFiles(fileCount, flags.files)} (split: ${scored.split})`);
    console.log(table);
  });
}

/** What was scored, as a user reads it: "all 3 files of the data folder", "2 test files". */
export function scoredFiles(files: number, which: FileChoice): string {
  return which === "all" ? `all ${count(files, "file")} of the data folder` : count(files, `${which} file`);
}

/** --engine: each engine and baseline extends every file; medians of every quality metric per engine. */
async function evaluateEngines(flags: EvaluateFlags, candidates: Candidate[]): Promise<void> {
  const { files, skipped, engines, runs } = await evaluateEnginesOnData({
    dataDir: flags.data,
    candidates,
    files: flags.files,
    splitFile: flags.split,
    modelDir: flags.model,
    backend: flags.backend,
    stretch: flags.stretch,
    minSeconds: flags.minSeconds,
    onFile: (name, seconds, target) =>
      flags.json || console.error(`${basename(name)}: ${seconds.toFixed(1)} s -> ${target} s`),
    onSkip: (name, reason) => flags.json || console.error(`${basename(name)}: left out (${reason})`),
  });
  const json = { files, skipped, engines, medians: medianReports(runs), runs };
  await printResults(flags, json, () => console.log(formatMedianTable(runs)));
}

/** The JSON to --out and, with --json, to stdout; else the table. */
async function printResults(flags: EvaluateFlags, json: object, printTable: () => void): Promise<void> {
  if (flags.out) await writeFile(flags.out, `${JSON.stringify(json, null, 2)}\n`);
  if (flags.json) console.log(JSON.stringify(json, null, 2));
  else printTable();
}

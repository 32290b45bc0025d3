import { Command, InvalidArgumentError, Option } from "commander";
import { basename, join } from "node:path";
import { decodeAudioFile } from "../engine/audio/index.ts";
import { durationSeconds } from "../engine/audio/pcm.ts";
import { CANDIDATES, makeExtenders, type Candidate } from "../engine/extend/extenders.ts";
import { evaluateEngines, formatMedianTable, medianReports, type EngineEvaluation } from "../engine/quality/index.ts";
import { writeFile } from "node:fs/promises";
import { HarmonizerInputError } from "../engine/errors.ts";
import { loadPredictor, SHIPPED_CONDUCTOR_DIR } from "../engine/job.ts";
import { loadConductor } from "../engine/model/conductor.ts";
import { listAudioFiles, readSplitFile, splitFiles } from "../engine/training/dataset.ts";
import { evaluateModel, formatEvaluationTable, loadEvaluationFiles } from "../engine/training/evaluate.ts";
import { modelExists, modelKind } from "../engine/model/io.ts";
import { type ConductorEvaluateFlags, evaluateConductorCommand } from "./evaluate-conductor.ts";
import { BACKENDS, DEFAULT_MODEL_DIR, positiveNumber, required } from "./options.ts";

interface EvaluateFlags extends ConductorEvaluateFlags {
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
      "JSON file with {train, validation, test} lists (default: train's seeded split; a conductor: the split in its training-report.json)",
    )
    .addOption(
      new Option("--files <which>", "which files to score").choices(["test", "validation", "all"]).default("test"),
    )
    .option("--hop <seconds>", "hop between scored windows (default: 10; a conductor: 1)", positiveNumber)
    .option("--cache <dir>", "decoded-audio cache folder (default: a temp folder)")
    .addOption(new Option("--backend <name>", "TensorFlow.js backend").choices(BACKENDS).default("auto"))
    .option("--json", "print the results as JSON", false)
    .option("--out <file>", "also write the JSON results to this file")
    .option(
      "--engine <list>",
      `instead of MSE, extend each file with these (comma-separated: ${CANDIDATES.join(", ")}) and report the median quality metrics`,
      candidateList,
    )
    .option("--stretch <factor>", "with --engine: extend each file to this many times its length", positiveNumber, 3)
    .option("--min-seconds <seconds>", "with --engine: but to at least this many seconds", positiveNumber, 180)
    .action(async (flags: EvaluateFlags) => {
      if (!flags.engine && (await modelExists(flags.model)) && (await modelKind(flags.model)) === "conductor") {
        await evaluateConductorCommand(flags);
        return;
      }
      const all = await listAudioFiles(flags.data);
      const split = flags.split ? await readSplitFile(flags.split) : splitFiles(all);
      const names = flags.files === "all" ? all : split[flags.files];
      if (names.length === 0) {
        throw new HarmonizerInputError("NOT_AUDIO", `no ${flags.files} files to evaluate in ${flags.data}`);
      }
      if (flags.engine) {
        await evaluateQuality(flags, flags.engine, names);
        return;
      }
      const predictor = await loadPredictor(flags.model, flags.backend);
      const files = await loadEvaluationFiles(flags.data, names, predictor.sampleRate, { cacheDir: flags.cache });
      const result = await evaluateModel({ predictor, files, hopSeconds: flags.hop });
      const json = { model: flags.model, backend: predictor.backend, scored: flags.files, ...result };
      if (flags.out) await writeFile(flags.out, `${JSON.stringify(json, null, 2)}\n`);
      if (flags.json) console.log(JSON.stringify(json, null, 2));
      else {
        console.log(`model ${flags.model} on ${predictor.backend}, ${names.length} ${flags.files} file(s)`);
        console.log(formatEvaluationTable(result));
      }
    });
}

/** --model when it holds a conductor, else the shipped one. */
async function conductorDir(model: string): Promise<string> {
  return (await modelExists(model)) && (await modelKind(model)) === "conductor" ? model : SHIPPED_CONDUCTOR_DIR;
}

/** --engine: each engine and baseline extends every file; medians of every quality metric per engine. */
async function evaluateQuality(flags: EvaluateFlags, candidates: Candidate[], names: readonly string[]): Promise<void> {
  const needsModel = candidates.includes("hybrid") || candidates.includes("neural");
  const needsConductor = candidates.includes("conductor");
  const extenders = makeExtenders(candidates, {
    predictor: needsModel ? await loadPredictor(flags.model, flags.backend) : undefined,
    conductor: needsConductor ? await loadConductor(await conductorDir(flags.model), flags.backend) : undefined,
  });
  const evaluations: (EngineEvaluation & { file: string })[] = [];
  for (const name of names) {
    const decoded = await decodeAudioFile(join(flags.data, name));
    const input = { sampleRate: decoded.sampleRate, channels: decoded.channels };
    const targetSeconds = Math.max(flags.minSeconds, Math.round(flags.stretch * durationSeconds(input)));
    if (!flags.json) console.error(`${basename(name)}: ${durationSeconds(input).toFixed(1)} s -> ${targetSeconds} s`);
    for (const evaluation of await evaluateEngines(input, targetSeconds, extenders))
      evaluations.push({ ...evaluation, file: name });
  }
  const json = { files: names, engines: candidates, medians: medianReports(evaluations), runs: evaluations };
  if (flags.out) await writeFile(flags.out, `${JSON.stringify(json, null, 2)}\n`);
  if (flags.json) console.log(JSON.stringify(json, null, 2));
  else console.log(formatMedianTable(evaluations));
}

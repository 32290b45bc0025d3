import { Command, Option } from "commander";
import { writeFile } from "node:fs/promises";
import { HarmonizerInputError } from "../engine/errors.ts";
import { loadPredictor } from "../engine/job.ts";
import type { BackendChoice } from "../engine/model/backend.ts";
import { listAudioFiles, readSplitFile, splitFiles } from "../engine/training/dataset.ts";
import { evaluateModel, formatEvaluationTable, loadEvaluationFiles } from "../engine/training/evaluate.ts";
import { BACKENDS, DEFAULT_MODEL_DIR, positiveNumber } from "./options.ts";

interface EvaluateFlags {
  model: string;
  data: string;
  split?: string;
  files: "test" | "validation" | "all";
  hop?: number;
  cache?: string;
  backend: BackendChoice;
  json: boolean;
  out?: string;
}

export function evaluateCommand(): Command {
  return new Command("evaluate")
    .description(
      "score a trained model on held-out songs: MSE of its 10 s predictions against the true next 10 s, " +
        "beside the silence and repeat-the-last-10-s baselines",
    )
    .requiredOption("--data <dir>", "folder of audio files (the same one given to train)")
    .option("--model <dir>", "trained model directory", DEFAULT_MODEL_DIR)
    .option("--split <file>", "JSON file with {train, validation, test} lists (default: train's seeded split)")
    .addOption(new Option("--files <which>", "which files to score").choices(["test", "validation", "all"]).default("test"))
    .option("--hop <seconds>", "hop between scored windows (default: 10)", positiveNumber)
    .option("--cache <dir>", "decoded-audio cache folder (default: a temp folder)")
    .addOption(new Option("--backend <name>", "TensorFlow.js backend").choices(BACKENDS).default("auto"))
    .option("--json", "print the results as JSON", false)
    .option("--out <file>", "also write the JSON results to this file")
    .action(async (flags: EvaluateFlags) => {
      const predictor = await loadPredictor(flags.model, flags.backend);
      const all = await listAudioFiles(flags.data);
      const split = flags.split ? await readSplitFile(flags.split) : splitFiles(all);
      const names = flags.files === "all" ? all : split[flags.files];
      if (names.length === 0) {
        throw new HarmonizerInputError("TOO_SHORT", `no ${flags.files} files to evaluate in ${flags.data}`);
      }
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

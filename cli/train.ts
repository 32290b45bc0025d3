import { Command, Option } from "commander";
import { train, type TrainProgress } from "../engine/training/train.ts";
import { PRESET_NAMES, presetConfig } from "../engine/model/presets.ts";
import { isFeatureModel } from "../engine/model/config.ts";
import { selectBackend, type BackendChoice } from "../engine/model/backend.ts";
import {
  BACKENDS,
  DEFAULT_MODEL_DIR,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  required,
} from "./options.ts";
import { trainConductorCommand } from "./train-conductor.ts";

interface TrainFlags {
  data: string;
  out: string;
  preset: string;
  epochs: number;
  batchSize: number;
  validationBatchSize: number;
  learningRate: number;
  hop: number;
  patience: number;
  split?: string;
  cache?: string;
  resume: boolean;
  seed: number;
  backend: BackendChoice;
  progress: boolean;
  json: boolean;
}

export function trainCommand(): Command {
  return new Command("train")
    .description("train the encoder–decoder on a folder of songs; writes model.json, weights and training-report.json")
    .requiredOption("--data <dir>", required("folder of audio files (searched recursively)"))
    .option("--out <dir>", "where the model, its checkpoint and the training report go", DEFAULT_MODEL_DIR)
    .addOption(
      new Option(
        "--preset <name>",
        "model architecture (conductor: the encoder-decoder over one-second feature frames)",
      )
        .choices(PRESET_NAMES)
        .default("small"),
    )
    .option("--epochs <n>", "maximum epochs", positiveInteger, 10)
    .option("--batch-size <n>", "training windows per batch", positiveInteger, 5)
    .option("--validation-batch-size <n>", "validation windows per batch", positiveInteger, 3)
    .option("--learning-rate <rate>", "Adam learning rate", positiveNumber, 1e-3)
    .option("--hop <seconds>", "hop between 30 s training windows", positiveNumber, 5)
    .option("--patience <epochs>", "stop after this many epochs without a better validation loss", positiveInteger, 3)
    .option(
      "--split <file>",
      "JSON file with explicit {train, validation, test} file lists (default: seeded 20%/20% split)",
    )
    .option("--cache <dir>", "where decoded audio is cached as float32 (default: a temp folder)")
    .option("--resume", "continue from <out>/checkpoint", false)
    .option("--seed <n>", "seed of the window shuffle", nonNegativeNumber, 1)
    .addOption(new Option("--backend <name>", "TensorFlow.js backend").choices(BACKENDS).default("auto"))
    .option("--no-progress", "hide the progress bar")
    .option("--json", "print the training report as JSON", false)
    .addHelpText(
      "after",
      "\nWith --preset conductor, flags left unset take the conductor's defaults: --epochs 30, --batch-size 64, " +
        "--learning-rate 0.003, --hop 2, --patience 5; --cache keeps second frames, not audio.",
    )
    .action(async (flags: TrainFlags, command: Command) => {
      const backend = await selectBackend(flags.backend);
      if (!flags.json) console.error(`backend: ${backend}`);
      if (isFeatureModel(presetConfig(flags.preset))) {
        await trainConductorCommand(flags, command, backend);
        return;
      }
      const report = await train({
        dataDir: flags.data,
        outDir: flags.out,
        preset: flags.preset,
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        validationBatchSize: flags.validationBatchSize,
        learningRate: flags.learningRate,
        hopSeconds: flags.hop,
        patience: flags.patience,
        splitFile: flags.split,
        cacheDir: flags.cache,
        resume: flags.resume,
        seed: flags.seed,
        progressBar: flags.progress && !flags.json,
        onProgress: flags.json || flags.progress ? undefined : logEpochs,
      });
      if (flags.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      for (const note of report.notes) console.error(`note: ${note}`);
      const { data } = report;
      console.log(
        `trained ${report.preset ?? "custom"} preset on ${backend}: ${data.files.train.length} train / ` +
          `${data.files.validation.length} validation / ${data.files.test.length} test files, ` +
          `${data.windows.train} training windows, ${report.history.length} epochs in ${report.wallSeconds.toFixed(1)} s`,
      );
      console.log(
        `best validation MSE ${report.bestValidationLoss?.toExponential(3) ?? "n/a"} (epoch ${report.bestEpoch ?? "n/a"})` +
          `${report.stoppedEarly ? ", stopped early" : ""}; model in ${flags.out}`,
      );
    });
}

/** Without a progress bar, one line per epoch so a log still shows the run moving. */
function logEpochs(event: TrainProgress): void {
  if (event.phase === "epoch") {
    console.error(
      `epoch ${event.epoch}: train MSE ${event.trainLoss.toExponential(3)}, validation MSE ${
        event.validationLoss?.toExponential(3) ?? "n/a"
      }`,
    );
  }
}

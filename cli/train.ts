import { Command, Option } from "commander";
import { CONDUCTOR_TRAINING } from "../engine/training/conductor-train.ts";
import { AUDIO_TRAINING, train, type TrainProgress } from "../engine/training/train.ts";
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
import { epochProgress } from "./progress.ts";
import { type ConductorTrainFlags, trainConductorCommand } from "./train-conductor.ts";

interface TrainFlags extends ConductorTrainFlags {
  validationBatchSize: number;
  backend: BackendChoice;
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
    .option("--epochs <n>", "maximum epochs", positiveInteger, AUDIO_TRAINING.epochs)
    .option("--batch-size <n>", "training windows per batch", positiveInteger, AUDIO_TRAINING.batchSize)
    .option(
      "--validation-batch-size <n>",
      "validation windows per batch",
      positiveInteger,
      AUDIO_TRAINING.validationBatchSize,
    )
    .option("--learning-rate <rate>", "Adam learning rate", positiveNumber, AUDIO_TRAINING.learningRate)
    .option("--hop <seconds>", "hop between 30 s training windows", positiveNumber, AUDIO_TRAINING.hopSeconds)
    .option(
      "--patience <epochs>",
      "stop after this many epochs without a better validation loss",
      positiveInteger,
      AUDIO_TRAINING.patience,
    )
    .option(
      "--split <file>",
      "JSON file with explicit {train, validation, test} file lists (default: seeded 20%/20% split)",
    )
    .option("--cache <dir>", "where decoded audio is cached as float32 (default: a temp folder)")
    .option("--resume", "continue from <out>/checkpoint", false)
    .option("--seed <n>", "seed of the window shuffle", nonNegativeNumber, AUDIO_TRAINING.seed)
    .addOption(new Option("--backend <name>", "TensorFlow.js backend").choices(BACKENDS).default("auto"))
    .option("--no-progress", "hide the progress bar")
    .option("--json", "print the training report as JSON", false)
    .addHelpText(
      "after",
      `\nWith --preset conductor, flags left unset take the conductor's defaults: --epochs ${CONDUCTOR_TRAINING.epochs}, ` +
        `--batch-size ${CONDUCTOR_TRAINING.batchSize}, --learning-rate ${CONDUCTOR_TRAINING.learningRate}, ` +
        `--hop ${CONDUCTOR_TRAINING.hopSeconds}, --patience ${CONDUCTOR_TRAINING.patience}; --cache keeps second frames, not audio.`,
    )
    .action(async (flags: TrainFlags, command: Command) => {
      const backend = await selectBackend(flags.backend);
      if (!flags.json) console.error(`backend: ${backend}`);
      if (isFeatureModel(presetConfig(flags.preset))) {
        await trainConductorCommand(flags, command, backend);
        return;
      }
      const bar = flags.progress && !flags.json ? epochProgress(flags.epochs) : undefined;
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
        onProgress: bar?.onProgress ?? (flags.json ? undefined : logEpochs),
      }).finally(() => bar?.stop());
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

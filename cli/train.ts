import { Command, Option } from "commander";
import {
  BACKEND_CHOICES,
  type BackendChoice,
  type ConductorTrainingReport,
  PRESET_NAMES,
  TRAINING_DEFAULTS,
  type TrainingReport,
  type TrainModelResult,
  type TrainModelProgress,
  trainingKind,
  trainModel,
} from "#engine";
import {
  DEFAULT_MODEL_DIR,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  required,
  UsageError,
} from "./options.ts";
import { count } from "./extend-summary.ts";
import { epochProgress } from "./progress.ts";

interface TrainFlags {
  data: string;
  out: string;
  preset: string;
  epochs?: number;
  batchSize?: number;
  validationBatchSize?: number;
  learningRate?: number;
  hop?: number;
  patience?: number;
  split?: string;
  cache?: string;
  resume: boolean;
  seed?: number;
  objective: "mse" | "rank";
  init?: string;
  backend: BackendChoice;
  progress: boolean;
  json: boolean;
}

const { audio, conductor } = TRAINING_DEFAULTS;

/** A flag's help with both kinds' defaults (the engine fills a flag left out from TRAINING_DEFAULTS). */
const withDefaults = (text: string, key: keyof typeof audio & keyof typeof conductor): string =>
  `${text} (default: ${audio[key]}; conductor: ${conductor[key]})`;

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
    .option("--epochs <n>", withDefaults("maximum epochs", "epochs"), positiveInteger)
    .option("--batch-size <n>", withDefaults("training windows per batch", "batchSize"), positiveInteger)
    .option(
      "--validation-batch-size <n>",
      `validation windows per batch (default: ${audio.validationBatchSize}; not used by the conductor)`,
      positiveInteger,
    )
    .option("--learning-rate <rate>", withDefaults("Adam learning rate", "learningRate"), positiveNumber)
    .option("--hop <seconds>", withDefaults("hop between training windows", "hopSeconds"), positiveNumber)
    .option(
      "--patience <epochs>",
      withDefaults("stop after this many epochs without a better validation loss", "patience"),
      positiveInteger,
    )
    .option(
      "--split <file>",
      "JSON file with explicit {train, validation, test} file lists (default: seeded 20%/20% split)",
    )
    .option("--cache <dir>", "where decoded audio (a conductor: second frames) is cached (default: a temp folder)")
    .option("--resume", "continue from <out>/checkpoint (not with the conductor: its training takes minutes)", false)
    .option("--seed <n>", withDefaults("seed of the weights and the window shuffle", "seed"), nonNegativeNumber)
    .addOption(
      new Option(
        "--objective <name>",
        "conductor: what it is trained for: mse (its next 10 s) or rank (which earlier stretch of the song comes closest to what follows, the choice the walk uses it for)",
      )
        .choices(["mse", "rank"])
        .default("mse"),
    )
    .option("--init <dir>", "conductor: fine-tune from this conductor's folder (its config and standardisation)")
    .addOption(new Option("--backend <name>", "TensorFlow.js backend").choices(BACKEND_CHOICES).default("auto"))
    .option("--no-progress", "hide the progress bar")
    .option("--json", "print the training report as JSON", false)
    .action(train);
}

async function train(flags: TrainFlags): Promise<void> {
  const kind = trainingKind(flags.preset);
  if (kind === "conductor" && flags.resume)
    throw new UsageError(`--resume is not supported with the ${flags.preset} preset; its training takes minutes`);
  const epochs = flags.epochs ?? TRAINING_DEFAULTS[kind].epochs;
  const bar = flags.progress && !flags.json && process.stderr.isTTY ? epochProgress(epochs) : undefined;
  const result = await trainModel({
    dataDir: flags.data,
    outDir: flags.out,
    preset: flags.preset,
    backend: flags.backend,
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
    objective: flags.objective,
    initFrom: flags.init,
    onBackend: (backend) => flags.json || console.error(`backend: ${backend}`),
    onProgress: flags.json
      ? undefined
      : (bar?.onProgress ?? logEpochs(flags.objective === "rank" ? "ranking loss" : "MSE")),
  }).finally(() => bar?.stop());
  if (flags.json) console.log(JSON.stringify(result.report, null, 2));
  else printSummary(result, flags.out);
}

function printSummary(result: TrainModelResult, out: string): void {
  for (const note of result.kind === "audio" ? result.report.notes : []) console.error(`note: ${note}`);
  const report: TrainingReport | ConductorTrainingReport = result.report;
  const { files, windows } = report.data;
  const size = result.kind === "conductor" ? ` (${result.report.parameters.toLocaleString("en-US")} parameters)` : "";
  const test = result.kind === "audio" ? ` / ${files.test.length} test` : "";
  console.log(
    `trained ${report.preset ?? "custom"} preset${size} on ${result.backend}: ${files.train.length} train / ` +
      `${files.validation.length} validation${test} files, ${count(windows.train, "training window")}, ` +
      `${count(report.history.length, "epoch")} in ${report.wallSeconds.toFixed(1)} s`,
  );
  const best =
    result.kind === "audio" ? report.bestValidationLoss?.toExponential(3) : report.bestValidationLoss?.toFixed(4);
  const baseline =
    result.kind === "conductor"
      ? `; mean of the context: ${result.report.validationContextMeanLoss?.toFixed(4) ?? "n/a"}`
      : "";
  console.log(
    `best validation ${result.kind === "conductor" && result.report.objective === "rank" ? "ranking loss" : "MSE"} ${best ?? "n/a"} (epoch ${report.bestEpoch ?? "n/a"}${baseline})` +
      `${report.stoppedEarly ? ", stopped early" : ""}; model in ${out}`,
  );
}

/** Without a progress bar (or a terminal to draw it on), one line per epoch so a log still shows the run moving. */
const logEpochs =
  (loss: string) =>
  (event: TrainModelProgress): void => {
    if (event.phase === "epoch") {
      const train = Number.isNaN(event.trainLoss) ? "" : `train ${loss} ${event.trainLoss.toExponential(3)}, `;
      console.error(
        `epoch ${event.epoch}: ${train}validation ${loss} ${event.validationLoss?.toExponential(3) ?? "n/a"}`,
      );
    }
  };

import type { Command } from "commander";
import { CONDUCTOR_TRAINING, trainConductor, type ConductorProgress } from "../engine/training/conductor-train.ts";

/** The flags of `harmonizer train` the conductor reads. */
export interface ConductorTrainFlags {
  data: string;
  out: string;
  preset: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  hop: number;
  patience: number;
  split?: string;
  cache?: string;
  resume: boolean;
  seed: number;
  progress: boolean;
  json: boolean;
}

/**
 * `harmonizer train --preset conductor`: flags left at train's audio defaults take the conductor's own
 * (CONDUCTOR_TRAINING); --validation-batch-size and --resume do not apply (training takes minutes).
 */
export async function trainConductorCommand(
  flags: ConductorTrainFlags,
  command: Command,
  backend: string,
): Promise<void> {
  if (flags.resume)
    command.error("error: --resume is not supported with a feature preset (conductor); its training takes minutes");
  const given = (name: string) => command.getOptionValueSource(name) !== "default";
  const report = await trainConductor({
    dataDir: flags.data,
    outDir: flags.out,
    preset: flags.preset,
    epochs: given("epochs") ? flags.epochs : CONDUCTOR_TRAINING.epochs,
    batchSize: given("batchSize") ? flags.batchSize : CONDUCTOR_TRAINING.batchSize,
    learningRate: given("learningRate") ? flags.learningRate : CONDUCTOR_TRAINING.learningRate,
    hopSeconds: given("hop") ? flags.hop : CONDUCTOR_TRAINING.hopSeconds,
    patience: given("patience") ? flags.patience : CONDUCTOR_TRAINING.patience,
    ...(flags.split ? { splitFile: flags.split } : {}),
    ...(flags.cache ? { cacheDir: flags.cache } : {}),
    seed: flags.seed,
    ...(flags.json ? {} : { onProgress: logProgress(flags.progress && process.stderr.isTTY === true) }),
  });
  if (flags.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const { data } = report;
  console.log(
    `trained ${report.preset ?? "custom"} preset (${report.parameters.toLocaleString("en-US")} parameters) on ${backend}: ` +
      `${data.files.train.length} train / ${data.files.validation.length} validation files, ${data.windows.train} training windows, ` +
      `${report.history.length} epochs in ${report.wallSeconds.toFixed(1)} s`,
  );
  console.log(
    `best validation MSE ${report.bestValidationLoss?.toFixed(4) ?? "n/a"} (epoch ${report.bestEpoch}; mean of the context: ` +
      `${report.validationContextMeanLoss?.toFixed(4) ?? "n/a"})${report.stoppedEarly ? ", stopped early" : ""}; model in ${flags.out}`,
  );
}

/** One line per epoch (and per file while features are computed, on a terminal). */
function logProgress(terminal: boolean): (event: ConductorProgress) => void {
  return (event) => {
    if (event.phase === "features" && terminal)
      process.stderr.write(`\rfeatures ${event.done}/${event.total}${event.done === event.total ? "\n" : ""}`);
    if (event.phase === "epoch") {
      console.error(
        `epoch ${event.epoch}: train MSE ${event.trainLoss.toFixed(4)}, validation MSE ${event.validationLoss?.toFixed(4) ?? "n/a"}`,
      );
    }
  };
}

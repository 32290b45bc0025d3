import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "../model/config.ts";
import { makeMeta, saveModel } from "../model/io.ts";
import type { NormalisationSettings } from "../model/normalise.ts";
import { type Checkpoint, writeCheckpoint } from "./checkpoint.ts";
import { seededShuffle } from "./dataset.ts";
import type { FitProgress } from "./progress.ts";
import { type WindowRef, windowBatches } from "./windows.ts";

/** The audio model's epoch loop (train() prepares the data and writes the report around it). */

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number | null;
  readonly seconds: number;
}

export interface AudioHyperparameters {
  readonly epochs: number;
  readonly batchSize: number;
  readonly validationBatchSize: number;
  readonly learningRate: number;
  readonly hopSeconds: number;
  readonly patience: number;
  readonly normalisation: NormalisationSettings;
}

export interface FitSettings {
  readonly config: ModelConfig;
  readonly preset: string | null;
  readonly hyper: AudioHyperparameters;
  readonly outDir: string;
  readonly checkpointDir: string;
  readonly seed: number;
  readonly resumed: Checkpoint | undefined;
  readonly onProgress: ((event: FitProgress) => void) | undefined;
}

export interface FitOutcome {
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number | null;
  readonly bestValidationLoss: number | null;
  readonly stoppedEarly: boolean;
}

/**
 * The epochs (from the checkpoint's on a resume): a shuffled pass over the training windows, the validation MSE,
 * the model saved to outDir when it improved, a checkpoint every epoch, and an early stop after `patience` epochs
 * without a better validation loss.
 */
export async function fitEpochs(
  model: tf.LayersModel,
  data: { readonly trainWindows: readonly WindowRef[]; readonly validationWindows: readonly WindowRef[] },
  settings: FitSettings,
): Promise<FitOutcome> {
  const { config, hyper, resumed, onProgress } = settings;
  const history: EpochRecord[] = [...(resumed?.history ?? [])];
  let bestEpoch = resumed?.bestEpoch ?? null;
  let bestValidationLoss = resumed?.bestValidationLoss ?? null;
  for (let epoch = (resumed?.epoch ?? 0) + 1; epoch <= hyper.epochs; epoch++) {
    const epochStart = performance.now();
    const order = seededShuffle(data.trainWindows, settings.seed * 1_000 + epoch);
    const batches = Math.ceil(order.length / hyper.batchSize);
    let lossSum = 0;
    let batch = 0;
    for await (const b of windowBatches(order, config, hyper.batchSize, hyper.normalisation)) {
      const loss = await trainStep(model, b.x, b.y, b.size, config);
      lossSum += loss * b.size;
      batch += 1;
      onProgress?.({ phase: "batch", epoch, batch, batches, loss });
    }
    const trainLoss = lossSum / order.length;
    const validationLoss = await validationMse(
      model,
      data.validationWindows,
      config,
      hyper.validationBatchSize,
      hyper.normalisation,
    );
    history.push({ epoch, trainLoss, validationLoss, seconds: (performance.now() - epochStart) / 1000 });
    onProgress?.({ phase: "epoch", epoch, trainLoss, validationLoss });

    const improved = validationLoss === null || bestValidationLoss === null || validationLoss < bestValidationLoss;
    if (improved) {
      bestEpoch = epoch;
      bestValidationLoss = validationLoss;
      await saveBest(model, settings, epoch, trainLoss, validationLoss);
    }
    await writeCheckpoint(
      settings.checkpointDir,
      model,
      { epoch, history, bestEpoch, bestValidationLoss, config },
      hyper.normalisation,
    );
    if (validationLoss !== null && bestEpoch !== null && epoch - bestEpoch >= hyper.patience && epoch < hyper.epochs) {
      return { history, bestEpoch, bestValidationLoss, stoppedEarly: true };
    }
  }
  return { history, bestEpoch, bestValidationLoss, stoppedEarly: false };
}

async function saveBest(
  model: tf.LayersModel,
  settings: FitSettings,
  epoch: number,
  trainLoss: number,
  validationLoss: number | null,
): Promise<void> {
  await saveModel(
    model,
    settings.outDir,
    makeMeta(settings.config, {
      ...(settings.preset ? { preset: settings.preset } : {}),
      normalisation: settings.hyper.normalisation,
      training: {
        epochs: epoch,
        bestValidationLoss: validationLoss,
        finalTrainingLoss: trainLoss,
        trainedAt: new Date().toISOString(),
        backend: tf.getBackend(),
      },
    }),
  );
}

/** One optimizer step on x [n, encoderSteps, sampleRate], y [n, decoderSteps, sampleRate]; returns the batch MSE. */
async function trainStep(
  model: tf.LayersModel,
  x: Float32Array,
  y: Float32Array,
  n: number,
  config: ModelConfig,
): Promise<number> {
  const xs = tf.tensor3d(x, [n, config.encoderSteps, config.sampleRate]);
  const ys = tf.tensor3d(y, [n, config.decoderSteps, config.sampleRate]);
  try {
    const loss = await model.trainOnBatch(xs, ys);
    return Array.isArray(loss) ? loss[0]! : loss;
  } finally {
    tf.dispose([xs, ys]);
  }
}

/** Mean squared error over all validation windows (inference mode), or null without validation data. */
export async function validationMse(
  model: tf.LayersModel,
  windows: readonly WindowRef[],
  config: ModelConfig,
  batchSize: number,
  normalisation: NormalisationSettings,
): Promise<number | null> {
  if (windows.length === 0) return null;
  let sum = 0;
  for await (const b of windowBatches(windows, config, batchSize, normalisation)) {
    const batchMse = tf.tidy(() => {
      const xs = tf.tensor3d(b.x, [b.size, config.encoderSteps, config.sampleRate]);
      const ys = tf.tensor3d(b.y, [b.size, config.decoderSteps, config.sampleRate]);
      return tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor);
    });
    sum += (await batchMse.data())[0]! * b.size;
    batchMse.dispose();
  }
  return sum / windows.length;
}

import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../random.ts";
import { seededShuffle } from "./dataset.ts";
import { type ConductorEpoch, type ConductorFitResult, fitEpochs } from "./epochs.ts";
import { gatherWindows, type FeatureWindows } from "./feature-windows.ts";

export interface ConductorFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Stop after this many epochs without a better validation loss. */
  readonly patience: number;
  /** Seed of the per-epoch window shuffle. */
  readonly seed: number;
  /** Windows per batch when scoring validation (inference only, so it can be large). */
  readonly validationBatchSize?: number;
  /**
   * Changes a training batch in place before the step (data augmentation): x [n, contextFrames, featureSize],
   * y [n, horizonFrames, featureSize], `random` a seeded uniform generator in [0, 1).
   */
  readonly augment?: (x: Float32Array, y: Float32Array, n: number, random: () => number) => void;
  readonly onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
  readonly onEpoch?: (record: ConductorEpoch) => void;
}

export type { ConductorEpoch, ConductorFitResult } from "./epochs.ts";

/**
 * Trains a compiled-or-not feature model with Adam and MSE on in-memory windows (x [n, contextFrames, featureSize],
 * y [n, horizonFrames, featureSize]), scoring validation after every epoch and stopping early after `patience` epochs
 * without improvement. On return the model holds the weights of the best epoch. Leaves no tensors behind.
 */
export async function fitConductor(
  model: tf.LayersModel,
  train: FeatureWindows,
  validation: FeatureWindows | undefined,
  options: ConductorFitOptions,
): Promise<ConductorFitResult> {
  if (train.count === 0) throw new RangeError("no training window");
  const optimizer = tf.train.adam(options.learningRate);
  model.compile({ optimizer, loss: "meanSquaredError" });
  try {
    return await fitEpochs(model, {
      epochs: options.epochs,
      patience: options.patience,
      trainEpoch: (epoch) => trainEpoch(model, train, epoch, options),
      validate: async () =>
        validation && validation.count > 0 ? await windowsMse(model, validation, options.validationBatchSize) : null,
      ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
    });
  } finally {
    optimizer.dispose();
  }
}

/** One pass over the shuffled training windows; returns the window-weighted mean batch loss. */
async function trainEpoch(
  model: tf.LayersModel,
  train: FeatureWindows,
  epoch: number,
  options: ConductorFitOptions,
): Promise<number> {
  const order = seededShuffle(
    Array.from({ length: train.count }, (_, i) => i),
    options.seed * 1_000 + epoch,
  );
  const batches = Math.ceil(order.length / options.batchSize);
  const random = mulberry32(options.seed * 7_919 + epoch);
  let sum = 0;
  for (let b = 0; b < batches; b++) {
    const indices = order.slice(b * options.batchSize, (b + 1) * options.batchSize);
    const { x, y } = gatherWindows(train, indices);
    options.augment?.(x, y, indices.length, random);
    const xs = tf.tensor3d(x, [indices.length, train.contextFrames, train.featureSize]);
    const ys = tf.tensor3d(y, [indices.length, train.horizonFrames, train.featureSize]);
    try {
      const result = await model.trainOnBatch(xs, ys);
      const loss = Array.isArray(result) ? result[0]! : result;
      sum += loss * indices.length;
      options.onBatch?.(epoch, b + 1, batches, loss);
    } finally {
      tf.dispose([xs, ys]);
    }
  }
  return sum / order.length;
}

/** MSE of the model's predictions over all windows (inference mode), in batches of batchSize (default 256). */
export async function windowsMse(model: tf.LayersModel, windows: FeatureWindows, batchSize = 256): Promise<number> {
  let sum = 0;
  for (let first = 0; first < windows.count; first += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, windows.count - first) }, (_, i) => first + i);
    const { x, y } = gatherWindows(windows, indices);
    const squared = tf.tidy(() => {
      const xs = tf.tensor3d(x, [indices.length, windows.contextFrames, windows.featureSize]);
      const ys = tf.tensor3d(y, [indices.length, windows.horizonFrames, windows.featureSize]);
      return tf.sum(tf.squaredDifference(model.predict(xs) as tf.Tensor, ys));
    });
    sum += (await squared.data())[0]!;
    squared.dispose();
  }
  return sum / (windows.count * windows.horizonFrames * windows.featureSize);
}

/**
 * Deterministic initial weights: every Dense kernel Glorot-uniform from a seeded generator (biases zero), so one
 * command trains the same model on the same machine; the kernels of layers whose name matches `zero` start at zero
 * (e.g. the output layers of units with a skip, which then start as their relation step).
 */
export function seedWeights(model: tf.LayersModel, seed: number, options: { zero?: RegExp } = {}): void {
  const random = mulberry32(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== "Dense") continue;
    const [kernel, bias] = layer.getWeights();
    if (kernel === undefined) continue;
    const [fanIn, fanOut] = kernel.shape as [number, number];
    const zero = options.zero?.test(layer.name) === true;
    const limit = zero ? 0 : Math.sqrt(6 / (fanIn + fanOut));
    const values = Float32Array.from({ length: fanIn * fanOut }, () => (2 * random() - 1) * limit);
    const fresh = [tf.tensor2d(values, [fanIn, fanOut]), ...(bias ? [tf.zerosLike(bias)] : [])];
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

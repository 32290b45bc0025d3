import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../random.ts";
import type { ConductorFitOptions, ConductorFitResult } from "./conductor-fit.ts";
import { seededShuffle } from "./dataset.ts";
import { fitEpochs } from "./epochs.ts";
import { candidateDistances, gatherRanking, type RankingWindows, rankingLoss } from "./rank-windows.ts";

export interface RankingFitOptions extends ConductorFitOptions {
  /** Per-dimension weights of the steering's distance in standardised space (distanceWeights). */
  readonly weights: Float32Array;
  /** Temperature of both softmaxes, in frameDistance units. */
  readonly tau: number;
  /** Weight of the MSE of the prediction against the true frames, added to keep it in the frames' range. */
  readonly mseWeight: number;
  /**
   * As ConductorFitOptions' augment, with y the batch's stretches: [n, (candidates + 1) * horizonFrames, featureSize]
   * (chromaRotation(contextFrames, (candidates + 1) * horizonFrames, ...) transposes context, candidates and truth alike).
   */
  readonly augment?: ConductorFitOptions["augment"];
}

/** What the ranking trainer adds to the MSE trainer's defaults. */
export const RANKING_FIT_DEFAULTS = { tau: 0.05, mseWeight: 0.1 } as const;

/**
 * Trains a feature model (the conductor) with Adam for the decision it is used for: the listwise ranking loss of its
 * prediction's distances to each window's candidates (rank-windows.ts), plus mseWeight x its MSE. Validation loss is
 * the same loss over all validation windows; the model ends with the best epoch's weights. Leaves no tensors behind.
 */
export async function fitRankingConductor(
  model: tf.LayersModel,
  train: RankingWindows,
  validation: RankingWindows | undefined,
  options: RankingFitOptions,
): Promise<ConductorFitResult> {
  if (train.count === 0) throw new RangeError("no training window");
  const optimizer = tf.train.adam(options.learningRate);
  const weights = tf.tensor1d(options.weights);
  // The prediction's distances are compared with the truth's through a learnt scale, so the loss asks for their order,
  // not for the prediction's distances to be as spread as the truth's (an average is nearer everything).
  const logScale = tf.variable(tf.scalar(0), true, "ranking_log_scale");
  await startScale(train, (indices) => batchLoss(model, train, indices, weights, logScale, options), logScale);
  const lossOf = (windows: RankingWindows, indices: readonly number[], random?: () => number) =>
    batchLoss(model, windows, indices, weights, logScale, options, random);
  const hasValidation = validation !== undefined && validation.count > 0;
  try {
    // Epoch 0 is the model as given (a conductor being fine-tuned): kept when no epoch ranks the validation cuts better.
    const startLoss = hasValidation ? await meanLoss(validation, lossOf) : undefined;
    if (startLoss !== undefined)
      options.onEpoch?.({ epoch: 0, trainLoss: Number.NaN, validationLoss: startLoss, seconds: 0 });
    return await fitEpochs(model, {
      epochs: options.epochs,
      patience: options.patience,
      trainEpoch: (epoch) => trainEpoch(model, train, epoch, options, optimizer, lossOf, logScale),
      validate: async () => (hasValidation ? await meanLoss(validation, lossOf) : null),
      ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
      ...(startLoss === undefined ? {} : { startLoss }),
    });
  } finally {
    tf.dispose([weights, logScale]);
    optimizer.dispose();
  }
}

/** Scales tried for the start: the one with the lowest loss on the first SCALE_WINDOWS training windows is kept. */
const START_SCALES = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4];
const SCALE_WINDOWS = 512;

/** Sets logScale to the best of START_SCALES for the model as it starts (Adam would take epochs to get there). */
async function startScale(
  train: RankingWindows,
  lossOf: (indices: readonly number[]) => tf.Scalar,
  logScale: tf.Variable,
): Promise<void> {
  const indices = Array.from({ length: Math.min(SCALE_WINDOWS, train.count) }, (_, i) => i);
  let best = { loss: Infinity, scale: 1 };
  for (const scale of START_SCALES) {
    tf.tidy(() => logScale.assign(tf.scalar(Math.log(scale))));
    const loss = lossOf(indices);
    const value = (await loss.data())[0]!;
    loss.dispose();
    if (value < best.loss) best = { loss: value, scale };
  }
  tf.tidy(() => logScale.assign(tf.scalar(Math.log(best.scale))));
}

type LossOf = (windows: RankingWindows, indices: readonly number[], random?: () => number) => tf.Scalar;

/** The batch's loss as a scalar tensor (the caller disposes it); `random` transposes the batch's chroma first. */
function batchLoss(
  model: tf.LayersModel,
  windows: RankingWindows,
  indices: readonly number[],
  weights: tf.Tensor1D,
  logScale: tf.Variable,
  options: RankingFitOptions,
  random?: () => number,
): tf.Scalar {
  const { contextFrames: c, horizonFrames: h, featureSize: f, candidates: k } = windows;
  const batch = gatherRanking(windows, indices);
  if (random) options.augment?.(batch.x, batch.stretches, indices.length, random);
  return tf.tidy(() => {
    const n = indices.length;
    const predicted = model.apply(tf.tensor3d(batch.x, [n, c, f]), { training: random !== undefined }) as tf.Tensor3D;
    const stretches = tf.tensor4d(batch.stretches, [n, k + 1, h, f]);
    const candidates = tf.slice(stretches, [0, 0, 0, 0], [n, k, h, f]);
    const distances = tf.mul(candidateDistances(predicted, candidates, weights), tf.exp(logScale)) as tf.Tensor2D;
    const ranking = rankingLoss(distances, tf.tensor2d(batch.truth, [n, k]), options.tau);
    if (options.mseWeight === 0) return ranking;
    const truth = tf.reshape(tf.slice(stretches, [0, k, 0, 0], [n, 1, h, f]), [n, h, f]);
    return tf.add(ranking, tf.mul(tf.mean(tf.squaredDifference(predicted, truth)), options.mseWeight)) as tf.Scalar;
  });
}

async function trainEpoch(
  model: tf.LayersModel,
  train: RankingWindows,
  epoch: number,
  options: RankingFitOptions,
  optimizer: tf.Optimizer,
  lossOf: LossOf,
  logScale: tf.Variable,
): Promise<number> {
  const order = seededShuffle(
    Array.from({ length: train.count }, (_, i) => i),
    options.seed * 1_000 + epoch,
  );
  const batches = Math.ceil(order.length / options.batchSize);
  const random = mulberry32(options.seed * 7_919 + epoch);
  const variables = [...model.trainableWeights.map((w) => w.read() as tf.Variable), logScale];
  let sum = 0;
  for (let b = 0; b < batches; b++) {
    const indices = order.slice(b * options.batchSize, (b + 1) * options.batchSize);
    const cost = optimizer.minimize(() => lossOf(train, indices, random), true, variables)!;
    const loss = (await cost.data())[0]!;
    cost.dispose();
    sum += loss * indices.length;
    options.onBatch?.(epoch, b + 1, batches, loss);
  }
  return sum / order.length;
}

async function meanLoss(windows: RankingWindows, lossOf: LossOf, batchSize = 256): Promise<number> {
  let sum = 0;
  for (let first = 0; first < windows.count; first += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, windows.count - first) }, (_, i) => first + i);
    const loss = lossOf(windows, indices);
    sum += (await loss.data())[0]! * indices.length;
    loss.dispose();
  }
  return sum / windows.count;
}

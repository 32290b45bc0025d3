import * as tf from "@tensorflow/tfjs";
import { FEATURE_LAYOUT } from "../analysis/second-frames.ts";
import {
  OUTLOOK_HORIZON_SECONDS,
  OUTLOOK_WINDOWS,
  outlookInput,
  standardisedFrames,
  summaryOf,
  summarySize,
} from "../model/outlook-input.ts";
import { buildOutlookModel } from "../model/outlook.ts";
import { computeStandardisation, type Standardisation } from "../model/standardise.ts";
import { seedWeights } from "./conductor-fit.ts";
import type { FileFrames } from "./feature-windows.ts";

/** The first cut is this far into a song, and at least this much of it follows the cut. */
export const OUTLOOK_MIN_CONTEXT_SECONDS = 20;
export const OUTLOOK_MIN_HORIZON_SECONDS = 60;

/** Training pairs: x [count, windows, 2F] (the summaries before a cut), y [count, 2F] (the summary after it). */
export interface OutlookSamples {
  readonly count: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** The file (index) and cut (seconds) of every pair. */
  readonly cuts: readonly { readonly file: number; readonly cut: number }[];
}

/**
 * A pair for every cut, every hopSeconds from OUTLOOK_MIN_CONTEXT_SECONDS while OUTLOOK_MIN_HORIZON_SECONDS follow
 * (`only`: just that cut), of every file's frames standardised with `standardisation`.
 */
export function outlookSamples(
  files: readonly FileFrames[],
  standardisation: Standardisation,
  options: { hopSeconds?: number; only?: number } = {},
): OutlookSamples {
  const featureSize = standardisation.mean.length;
  const xs: Float32Array[] = [];
  const ys: Float32Array[] = [];
  const cuts: { file: number; cut: number }[] = [];
  files.forEach((file, index) => {
    const frames = standardisedFrames(file.frames, standardisation);
    const first = options.only ?? OUTLOOK_MIN_CONTEXT_SECONDS;
    const hop = options.only === undefined ? Math.max(1, options.hopSeconds ?? 2) : Infinity;
    for (let cut = first; cut + OUTLOOK_MIN_HORIZON_SECONDS <= frames.length; cut += hop) {
      xs.push(outlookInput(frames, cut));
      ys.push(summaryOf(frames, cut, cut + OUTLOOK_HORIZON_SECONDS));
      cuts.push({ file: index, cut });
    }
  });
  const inSize = OUTLOOK_WINDOWS.length * summarySize(featureSize);
  const x = new Float32Array(xs.length * inSize);
  const y = new Float32Array(ys.length * summarySize(featureSize));
  xs.forEach((v, i) => {
    x.set(v, i * inSize);
  });
  ys.forEach((v, i) => {
    y.set(v, i * summarySize(featureSize));
  });
  return { count: xs.length, x, y, cuts };
}

export interface OutlookFit {
  readonly model: tf.LayersModel;
  readonly standardisation: Standardisation;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number;
  readonly samples: { readonly train: number; readonly validation: number };
}

/**
 * Trains an outlook on the train files' pairs (standardisation from their frames, chroma bins pooled): Adam on MSE,
 * full batches, keeping the weights of the epoch with the lowest validation MSE. The caller disposes the model.
 */
export async function fitOutlook(
  train: readonly FileFrames[],
  validation: readonly FileFrames[],
  options: { epochs?: number; learningRate?: number; seed?: number; hopSeconds?: number } = {},
): Promise<OutlookFit> {
  const standardisation = computeStandardisation(
    train.flatMap((f) => f.frames),
    [FEATURE_LAYOUT.chroma],
  );
  const featureSize = standardisation.mean.length;
  const shape = (s: OutlookSamples) => [
    tf.tensor3d(s.x, [s.count, OUTLOOK_WINDOWS.length, summarySize(featureSize)]),
    tf.tensor2d(s.y, [s.count, summarySize(featureSize)]),
  ];
  const trainSamples = outlookSamples(train, standardisation, { hopSeconds: options.hopSeconds ?? 2 });
  const validationSamples = outlookSamples(validation, standardisation, { hopSeconds: 5 });
  const model = buildOutlookModel(featureSize);
  seedWeights(model, options.seed ?? 1);
  model.compile({ optimizer: tf.train.adam(options.learningRate ?? 0.01), loss: "meanSquaredError" });
  const [xTrain, yTrain] = shape(trainSamples);
  const [xValidation, yValidation] = shape(validationSamples);
  let best = { epoch: 0, validationLoss: Infinity, trainLoss: Infinity, weights: [] as tf.Tensor[] };
  const epochs = options.epochs ?? 300;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const history = await model.fit(xTrain!, yTrain!, { epochs: 1, batchSize: 256, shuffle: false, verbose: 0 });
      const trainLoss = Number(history.history.loss?.[0]);
      const validationLoss = tf.tidy(
        () => tf.losses.meanSquaredError(yValidation!, model.predict(xValidation!) as tf.Tensor).dataSync()[0]!,
      );
      if (validationLoss < best.validationLoss) {
        tf.dispose(best.weights);
        best = { epoch, validationLoss, trainLoss, weights: model.getWeights().map((w) => w.clone()) };
      }
    }
    model.setWeights(best.weights);
  } finally {
    tf.dispose([xTrain!, yTrain!, xValidation!, yValidation!, ...best.weights]);
  }
  return {
    model,
    standardisation,
    epochs,
    bestEpoch: best.epoch,
    trainLoss: best.trainLoss,
    validationLoss: best.validationLoss,
    samples: { train: trainSamples.count, validation: validationSamples.count },
  };
}

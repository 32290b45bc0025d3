import * as tf from "@tensorflow/tfjs";
import { FEATURE_SCALE, frameDistance } from "../analysis/second-frames.ts";
import { standardiseInto, type Standardisation } from "../model/standardise.ts";
import { mulberry32 } from "../random.ts";
import type { FileFrames } from "./feature-windows.ts";

/**
 * Training examples of the conductor's decision (engine/remix/conductor-steering.ts): at a cut t of a song, the
 * context is frames [t - contextFrames, t), the candidates are `candidates` stretches of horizonFrames frames of the
 * same song starting at earlier whole seconds (in [0, t - horizonFrames]), and what the model should learn is which
 * candidates lie closest to the true next horizonFrames frames, by the steering's distance (truthDistances).
 */
export interface RankingWindows {
  readonly count: number;
  readonly contextFrames: number;
  readonly horizonFrames: number;
  readonly featureSize: number;
  readonly candidates: number;
  /** Every file's frames, standardised, one array per file ([seconds * featureSize]). */
  readonly standardised: readonly Float32Array[];
  /** Per window: file index and cut (the first predicted frame). */
  readonly file: Int32Array;
  readonly cut: Int32Array;
  /** Per window, `candidates` candidate starts (frames), [count, candidates]. */
  readonly starts: Int32Array;
  /** Per window and candidate, the mean frameDistance of the true next frames from the candidate's, [count, candidates]. */
  readonly truthDistances: Float32Array;
}

export interface RankingWindowOptions {
  readonly contextFrames: number;
  readonly horizonFrames: number;
  /** Seconds between cuts. */
  readonly hopFrames: number;
  /** Candidates per cut: the truth's `nearest` closest, the rest drawn at random from the other earlier starts. */
  readonly candidates: number;
  readonly nearest: number;
  readonly seed: number;
}

export const RANKING_DEFAULTS = { candidates: 32, nearest: 8 } as const;

/** Mean over the horizon of frameDistance between frames [a, a + n) and [b, b + n) of `frames`. */
export function stretchDistance(frames: readonly Float32Array[], a: number, b: number, n: number): number {
  let sum = 0;
  for (let k = 0; k < n; k++) sum += frameDistance(frames[a + k]!, frames[b + k]!);
  return sum / n;
}

/**
 * The ranking windows of every file: cuts every hopFrames from the first with contextFrames of context and at least
 * `candidates` earlier starts, while horizonFrames frames follow.
 */
export function rankingWindows(
  files: readonly FileFrames[],
  standardisation: Standardisation,
  options: RankingWindowOptions,
): RankingWindows {
  const { contextFrames, horizonFrames, candidates: k, nearest } = options;
  const featureSize = standardisation.mean.length;
  const random = mulberry32(options.seed);
  const file: number[] = [];
  const cut: number[] = [];
  const starts: number[] = [];
  const distances: number[] = [];
  const hop = Math.max(1, Math.round(options.hopFrames));
  files.forEach(({ frames }, index) => {
    const first = Math.max(contextFrames, k + horizonFrames - 1);
    for (let t = first; t + horizonFrames <= frames.length; t += hop) {
      const all = Array.from({ length: t - horizonFrames + 1 }, (_, s) => ({
        s,
        d: stretchDistance(frames, t, s, horizonFrames),
      }));
      const chosen = pickCandidates(all, k, nearest, random);
      file.push(index);
      cut.push(t);
      for (const c of chosen) {
        starts.push(c.s);
        distances.push(c.d);
      }
    }
  });
  const standardised = files.map(({ frames }) => {
    const out = new Float32Array(frames.length * featureSize);
    frames.forEach((frame, t) => {
      standardiseInto(frame, standardisation, out, t * featureSize);
    });
    return out;
  });
  return {
    count: file.length,
    contextFrames,
    horizonFrames,
    featureSize,
    candidates: k,
    standardised,
    file: Int32Array.from(file),
    cut: Int32Array.from(cut),
    starts: Int32Array.from(starts),
    truthDistances: Float32Array.from(distances),
  };
}

/** The `nearest` closest of `all` and the rest drawn without replacement from the others, in start order. */
function pickCandidates<T extends { s: number; d: number }>(
  all: readonly T[],
  k: number,
  nearest: number,
  random: () => number,
): T[] {
  const byDistance = [...all].sort((a, b) => a.d - b.d);
  const chosen = byDistance.slice(0, nearest);
  const rest = byDistance.slice(nearest);
  while (chosen.length < k && rest.length > 0) chosen.push(rest.splice(Math.floor(random() * rest.length), 1)[0]!);
  return chosen.sort((a, b) => a.s - b.s);
}

/**
 * Windows `indices` as one batch: x [n, contextFrames, featureSize], stretches [n, candidates + 1, horizonFrames,
 * featureSize] (the candidates, then the true next frames) and the candidates' truth distances [n, candidates].
 */
export function gatherRanking(windows: RankingWindows, indices: readonly number[]) {
  const { contextFrames: c, horizonFrames: h, featureSize: f, candidates: k } = windows;
  const x = new Float32Array(indices.length * c * f);
  const stretches = new Float32Array(indices.length * (k + 1) * h * f);
  const truth = new Float32Array(indices.length * k);
  indices.forEach((w, i) => {
    const frames = windows.standardised[windows.file[w]!]!;
    const t = windows.cut[w]!;
    x.set(frames.subarray((t - c) * f, t * f), i * c * f);
    for (let j = 0; j <= k; j++) {
      const s = j < k ? windows.starts[w * k + j]! : t;
      stretches.set(frames.subarray(s * f, (s + h) * f), (i * (k + 1) + j) * h * f);
    }
    truth.set(windows.truthDistances.subarray(w * k, (w + 1) * k), i * k);
  });
  return { x, stretches, truth };
}

/**
 * Per-dimension weights that turn a difference of standardised values into frameDistance's (raw difference over
 * FEATURE_SCALE): the standardisation's deviation over the scale.
 */
export const distanceWeights = (standardisation: Standardisation): Float32Array =>
  Float32Array.from(standardisation.std, (std, d) => std / FEATURE_SCALE[d]!);

/**
 * The steering's distance in tensors: for predictions [n, h, f] and candidates [n, k, h, f] (standardised), the mean
 * over the h frames of frameDistance, [n, k].
 */
export function candidateDistances(predicted: tf.Tensor3D, candidates: tf.Tensor4D, weights: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const diff = tf.mul(tf.sub(tf.expandDims(predicted, 1), candidates), weights);
    return tf.mean(tf.sqrt(tf.add(tf.mean(tf.square(diff), -1), 1e-6)), -1) as tf.Tensor2D;
  });
}

/**
 * Listwise cross-entropy between the candidates' order by the prediction and by the truth: softmax(-d(truth)/tau)
 * against log softmax(-d(prediction)/tau), averaged over windows.
 */
export function rankingLoss(predictedDistances: tf.Tensor2D, truthDistances: tf.Tensor2D, tau: number): tf.Scalar {
  return tf.tidy(() => {
    const target = tf.softmax(tf.div(tf.neg(truthDistances), tau));
    const logProbability = tf.logSoftmax(tf.div(tf.neg(predictedDistances), tau));
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logProbability), -1)));
  });
}

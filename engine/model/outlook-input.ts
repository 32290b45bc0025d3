/**
 * What the outlook reads and predicts: summaries (per-dimension mean and standard deviation) of standardised second
 * frames over stretches of a song. The outlook reads the summaries of the last OUTLOOK_WINDOWS seconds before a cut
 * (the last being the whole song so far) and predicts the summary of the OUTLOOK_HORIZON_SECONDS after it.
 */
import { FEATURE_LAYOUT } from "../analysis/second-frames.ts";
import { standardiseInto, type Standardisation } from "./standardise.ts";

/** Seconds before the cut each input summary covers; Infinity: from the song's start. */
export const OUTLOOK_WINDOWS: readonly number[] = [10, 20, 45, Number.POSITIVE_INFINITY];
/** Seconds after the cut the predicted summary covers (the continuation protocol's 60-180 s). */
export const OUTLOOK_HORIZON_SECONDS = 120;

/** Values of one summary: the mean of every dimension, then its standard deviation. */
export const summarySize = (featureSize: number): number => 2 * featureSize;

/**
 * Mean and standard deviation of every dimension of frames [from, to) ([seconds][F], standardised), as one
 * [2F] vector (means first). An empty range gives zeros.
 */
export function summaryOf(frames: readonly Float32Array[], from: number, to: number): Float32Array {
  const featureSize = frames[0]?.length ?? 0;
  const out = new Float32Array(summarySize(featureSize));
  const start = Math.max(0, Math.floor(from));
  const end = Math.min(frames.length, Math.floor(to));
  const count = end - start;
  if (count <= 0) return out;
  for (let t = start; t < end; t++) for (let d = 0; d < featureSize; d++) out[d]! += frames[t]![d]! / count;
  for (let t = start; t < end; t++) {
    for (let d = 0; d < featureSize; d++) out[featureSize + d]! += (frames[t]![d]! - out[d]!) ** 2 / count;
  }
  for (let d = 0; d < featureSize; d++) out[featureSize + d] = Math.sqrt(out[featureSize + d]!);
  return out;
}

/**
 * The outlook's input for a cut after second `cut` of `frames` (standardised): the summaries of the
 * OUTLOOK_WINDOWS before it, [windows][2F] row-major.
 */
export function outlookInput(frames: readonly Float32Array[], cut: number): Float32Array {
  const size = summarySize(frames[0]?.length ?? 0);
  const out = new Float32Array(OUTLOOK_WINDOWS.length * size);
  OUTLOOK_WINDOWS.forEach((seconds, w) => {
    out.set(summaryOf(frames, cut - seconds, cut), w * size);
  });
  return out;
}

/** Raw frames ([seconds][F]) standardised with `standardisation`, as new arrays. */
export function standardisedFrames(frames: readonly ArrayLike<number>[], s: Standardisation): Float32Array[] {
  return frames.map((frame) => {
    const out = new Float32Array(s.mean.length);
    standardiseInto(frame, s, out);
    return out;
  });
}

/** MFCC 1-12 of a second frame: the continuation protocol's timbre distance leaves out MFCC 0 (loudness). */
export const OUTLOOK_SCORED: readonly number[] = Array.from(
  { length: FEATURE_LAYOUT.mfcc[1] - FEATURE_LAYOUT.mfcc[0] - 1 },
  (_, k) => FEATURE_LAYOUT.mfcc[0] + 1 + k,
);

/**
 * Fréchet distance of two diagonal Gaussians given as summaries ([2F]: means, then deviations) over the dimensions
 * `dims`: the sum of the squared differences of their means and of their deviations.
 */
export function summaryDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  featureSize: number,
  dims = OUTLOOK_SCORED,
) {
  let sum = 0;
  for (const d of dims) sum += (a[d]! - b[d]!) ** 2 + (a[featureSize + d]! - b[featureSize + d]!) ** 2;
  return sum;
}

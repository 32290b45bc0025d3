import type { BeatAnalysis } from "./beats.ts";
import { CHROMA_BINS, MFCC_COEFFICIENTS } from "./features.ts";

/** Turns beat features into vectors whose Euclidean distance mixes harmony, timbre and level. */
export interface BeatVectoriser {
  /** [beatCount][12 + 13 + 1]: L2-normalised chroma, MFCC z-scored over the song / sqrt(13), level / 6 dB. */
  readonly vectors: Float32Array[];
  /** The same mapping for features measured elsewhere (e.g. on a model's prediction). */
  vectorise(chroma: Float32Array, mfcc: Float32Array, levelDb: number): Float32Array;
}

export const BEAT_VECTOR_SIZE = CHROMA_BINS + MFCC_COEFFICIENTS + 1;
/** 6 dB of level difference weighs like one standard deviation of timbre. */
export const LEVEL_SCALE_DB = 6;

export function createBeatVectoriser(analysis: BeatAnalysis): BeatVectoriser {
  const { chroma, mfcc, levelDb } = analysis.features;
  const n = Math.max(1, chroma.length);
  const mean = new Float64Array(MFCC_COEFFICIENTS);
  const spread = new Float64Array(MFCC_COEFFICIENTS);
  for (const m of mfcc) for (let d = 0; d < MFCC_COEFFICIENTS; d++) mean[d]! += m[d]! / n;
  for (const m of mfcc) for (let d = 0; d < MFCC_COEFFICIENTS; d++) spread[d]! += (m[d]! - mean[d]!) ** 2 / n;
  const mfccWeight = Math.sqrt(1 / MFCC_COEFFICIENTS);
  const vectorise = (c: Float32Array, m: Float32Array, level: number): Float32Array => {
    const v = new Float32Array(BEAT_VECTOR_SIZE);
    const norm = Math.hypot(...c) || 1;
    for (let k = 0; k < CHROMA_BINS; k++) v[k] = c[k]! / norm;
    for (let d = 0; d < MFCC_COEFFICIENTS; d++) {
      v[CHROMA_BINS + d] = ((m[d]! - mean[d]!) / Math.sqrt(spread[d]! || 1)) * mfccWeight;
    }
    v[BEAT_VECTOR_SIZE - 1] = Math.max(-90, level) / LEVEL_SCALE_DB;
    return v;
  };
  return { vectors: chroma.map((c, i) => vectorise(c, mfcc[i]!, levelDb[i]!)), vectorise };
}

/**
 * Distance (beat-vector units: unit chroma, MFCC z-scores / sqrt(13), level / 6 dB) under which two one-beat
 * blocks count as the same audio. Copies misaligned by half an analysis frame measure about 0.1; different
 * beats of a song are usually above 0.5.
 */
export const NEAR_IDENTICAL_DISTANCE = 0.3;

export function vectorDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) {
    const diff = a[d]! - (b[d] ?? 0);
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}

import { CHROMA_BINS, MFCC_COEFFICIENTS, type FrameFeatures } from "../analysis/features.ts";

/** Timbre and harmony of measureExtension: MFCC statistics and mean chroma, extension against original. */

/** Frames and blocks quieter than this (dBFS) are left out of timbre, harmony and loop comparisons. */
export const SILENT_BLOCK_DB = -60;

/** Fréchet distance of diagonal Gaussians over MFCC 1..12 (c0 is loudness, measured elsewhere). */
export function mfccFrechetDistance(frames: FrameFeatures, from: number, to: number, reference: FrameFeatures): number {
  const stats = (f: FrameFeatures, a: number, b: number) => {
    const mean = new Float64Array(MFCC_COEFFICIENTS);
    const variance = new Float64Array(MFCC_COEFFICIENTS);
    let n = 0;
    for (let i = a; i < b; i++) {
      if (f.levelDb[i]! < SILENT_BLOCK_DB) continue;
      n++;
      for (let d = 1; d < MFCC_COEFFICIENTS; d++) mean[d]! += f.mfcc[i * MFCC_COEFFICIENTS + d]!;
    }
    if (n === 0) return undefined;
    for (let d = 1; d < MFCC_COEFFICIENTS; d++) mean[d]! /= n;
    for (let i = a; i < b; i++) {
      if (f.levelDb[i]! < SILENT_BLOCK_DB) continue;
      for (let d = 1; d < MFCC_COEFFICIENTS; d++)
        variance[d]! += (f.mfcc[i * MFCC_COEFFICIENTS + d]! - mean[d]!) ** 2 / n;
    }
    return { mean, variance };
  };
  const x = stats(frames, from, to);
  const y = stats(reference, 0, reference.frameCount);
  if (!x || !y) return Infinity;
  let distance = 0;
  for (let d = 1; d < MFCC_COEFFICIENTS; d++) {
    distance +=
      (x.mean[d]! - y.mean[d]!) ** 2 + x.variance[d]! + y.variance[d]! - 2 * Math.sqrt(x.variance[d]! * y.variance[d]!);
  }
  return distance;
}

function meanChroma(frames: FrameFeatures, from: number): Float64Array {
  const mean = new Float64Array(CHROMA_BINS);
  for (let f = from; f < frames.frameCount; f++) {
    if (frames.levelDb[f]! < SILENT_BLOCK_DB) continue;
    let norm = 0;
    for (let k = 0; k < CHROMA_BINS; k++) norm += frames.chroma[f * CHROMA_BINS + k]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < CHROMA_BINS; k++) mean[k]! += frames.chroma[f * CHROMA_BINS + k]! / norm;
  }
  return mean;
}

export function chromaCosine(frames: FrameFeatures, from: number, reference: FrameFeatures): number {
  const a = meanChroma(frames, from);
  const b = meanChroma(reference, 0);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < CHROMA_BINS; k++) {
    dot += a[k]! * b[k]!;
    na += a[k]! ** 2;
    nb += b[k]! ** 2;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

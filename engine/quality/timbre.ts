import { CHROMA_BINS, MFCC_COEFFICIENTS, type FrameFeatures } from "../analysis/features.ts";
import { rowsOf, type FrameRows } from "./frame-rows.ts";

/** Timbre and harmony of measureExtension: MFCC statistics and mean chroma, extension against original. */

/** Frames and blocks quieter than this (dBFS) are left out of timbre, harmony and loop comparisons. */
export const SILENT_BLOCK_DB = -60;

/** Fréchet distance of diagonal Gaussians over MFCC 1..12 (c0 is loudness, measured elsewhere). */
export function mfccFrechetDistance(
  frames: FrameFeatures | FrameRows,
  from: number,
  to: number,
  reference: FrameFeatures | FrameRows,
): number {
  const stats = (rows: FrameRows, a: number, b: number) => {
    const mean = new Float64Array(MFCC_COEFFICIENTS);
    const variance = new Float64Array(MFCC_COEFFICIENTS);
    let n = 0;
    for (let i = a; i < b; i++) {
      const f = rows.table(i);
      const r = rows.row(i);
      if (f.levelDb[r]! < SILENT_BLOCK_DB) continue;
      n++;
      for (let d = 1; d < MFCC_COEFFICIENTS; d++) mean[d]! += f.mfcc[r * MFCC_COEFFICIENTS + d]!;
    }
    if (n === 0) return undefined;
    for (let d = 1; d < MFCC_COEFFICIENTS; d++) mean[d]! /= n;
    for (let i = a; i < b; i++) {
      const f = rows.table(i);
      const r = rows.row(i);
      if (f.levelDb[r]! < SILENT_BLOCK_DB) continue;
      for (let d = 1; d < MFCC_COEFFICIENTS; d++)
        variance[d]! += (f.mfcc[r * MFCC_COEFFICIENTS + d]! - mean[d]!) ** 2 / n;
    }
    return { mean, variance };
  };
  const x = stats(rowsOf(frames), from, to);
  const y = stats(rowsOf(reference), 0, reference.frameCount);
  if (!x || !y) return Infinity;
  let distance = 0;
  for (let d = 1; d < MFCC_COEFFICIENTS; d++) {
    distance +=
      (x.mean[d]! - y.mean[d]!) ** 2 + x.variance[d]! + y.variance[d]! - 2 * Math.sqrt(x.variance[d]! * y.variance[d]!);
  }
  return distance;
}

function meanChroma(frames: FrameRows, from: number): Float64Array {
  const mean = new Float64Array(CHROMA_BINS);
  for (let i = from; i < frames.frameCount; i++) {
    const f = frames.table(i);
    const r = frames.row(i);
    if (f.levelDb[r]! < SILENT_BLOCK_DB) continue;
    let norm = 0;
    for (let k = 0; k < CHROMA_BINS; k++) norm += f.chroma[r * CHROMA_BINS + k]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < CHROMA_BINS; k++) mean[k]! += f.chroma[r * CHROMA_BINS + k]! / norm;
  }
  return mean;
}

export function chromaCosine(
  frames: FrameFeatures | FrameRows,
  from: number,
  reference: FrameFeatures | FrameRows,
): number {
  const a = meanChroma(rowsOf(frames), from);
  const b = meanChroma(rowsOf(reference), 0);
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

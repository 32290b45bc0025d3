import { CHROMA_BINS, MFCC_COEFFICIENTS, type FrameFeatures } from "../analysis/features.ts";
import { rowsOf, type FrameRows } from "./frame-rows.ts";

/**
 * Timbre and harmony of measureExtension: MFCC statistics and mean chroma, extension against original. Each is
 * gathered over frames handed over a range at a time, in order (frame-walk.ts).
 */

/** Frames and blocks quieter than this (dBFS) are left out of timbre, harmony and loop comparisons. */
export const SILENT_BLOCK_DB = -60;

/** MFCC 1..12 means and variances of the frames that are not silent. */
export interface MfccGaussian {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

/**
 * The MFCC Gaussian of frames in two passes over them, in order: addToMean for every range, then addToSpread for the
 * same ranges (the spread about the means of the first pass); undefined when every frame is silent.
 */
export function mfccGaussian() {
  const mean = new Float64Array(MFCC_COEFFICIENTS);
  const variance = new Float64Array(MFCC_COEFFICIENTS);
  let n = 0;
  let spreading = false;
  return {
    addToMean(rows: FrameRows, a: number, b: number): void {
      for (let i = a; i < b; i++) {
        const f = rows.table(i);
        const r = rows.row(i);
        if (f.levelDb[r]! < SILENT_BLOCK_DB) continue;
        n++;
        for (let d = 1; d < MFCC_COEFFICIENTS; d++) mean[d]! += f.mfcc[r * MFCC_COEFFICIENTS + d]!;
      }
    },
    addToSpread(rows: FrameRows, a: number, b: number): void {
      if (n === 0) return;
      if (!spreading) for (let d = 1; d < MFCC_COEFFICIENTS; d++) mean[d]! /= n;
      spreading = true;
      for (let i = a; i < b; i++) {
        const f = rows.table(i);
        const r = rows.row(i);
        if (f.levelDb[r]! < SILENT_BLOCK_DB) continue;
        for (let d = 1; d < MFCC_COEFFICIENTS; d++)
          variance[d]! += (f.mfcc[r * MFCC_COEFFICIENTS + d]! - mean[d]!) ** 2 / n;
      }
    },
    result(): MfccGaussian | undefined {
      return n === 0 ? undefined : { mean, variance };
    },
  };
}

/** MFCC Gaussian of frames [a, b), both passes at once. */
export function mfccGaussianOf(rows: FrameRows, a: number, b: number): MfccGaussian | undefined {
  const gaussian = mfccGaussian();
  gaussian.addToMean(rows, a, b);
  gaussian.addToSpread(rows, a, b);
  return gaussian.result();
}

/** Fréchet distance of diagonal Gaussians over MFCC 1..12 (c0 is loudness, measured elsewhere). */
export function frechetDistance(x: MfccGaussian | undefined, y: MfccGaussian | undefined): number {
  if (!x || !y) return Infinity;
  let distance = 0;
  for (let d = 1; d < MFCC_COEFFICIENTS; d++) {
    distance +=
      (x.mean[d]! - y.mean[d]!) ** 2 + x.variance[d]! + y.variance[d]! - 2 * Math.sqrt(x.variance[d]! * y.variance[d]!);
  }
  return distance;
}

/** frechetDistance of the MFCC Gaussians of frames [from, to) and of the whole reference. */
export function mfccFrechetDistance(
  frames: FrameFeatures | FrameRows,
  from: number,
  to: number,
  reference: FrameFeatures | FrameRows,
): number {
  return frechetDistance(
    mfccGaussianOf(rowsOf(frames), from, to),
    mfccGaussianOf(rowsOf(reference), 0, reference.frameCount),
  );
}

/** The sum of the frames' unit chroma vectors (silent frames left out), a range at a time. */
export function chromaSum() {
  const sum = new Float64Array(CHROMA_BINS);
  return {
    sum,
    add(frames: FrameRows, from: number, to: number): void {
      for (let i = from; i < to; i++) {
        const f = frames.table(i);
        const r = frames.row(i);
        if (f.levelDb[r]! < SILENT_BLOCK_DB) continue;
        let norm = 0;
        for (let k = 0; k < CHROMA_BINS; k++) norm += f.chroma[r * CHROMA_BINS + k]! ** 2;
        norm = Math.sqrt(norm) || 1;
        for (let k = 0; k < CHROMA_BINS; k++) sum[k]! += f.chroma[r * CHROMA_BINS + k]! / norm;
      }
    },
  };
}

/** Cosine of two chroma sums (0 when either is all zero). */
export function cosine(a: Float64Array, b: Float64Array): number {
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

/** cosine of the chroma sums of frames [from, end) and of the whole reference. */
export function chromaCosine(
  frames: FrameFeatures | FrameRows,
  from: number,
  reference: FrameFeatures | FrameRows,
): number {
  const sum = (rows: FrameRows, a: number) => {
    const chroma = chromaSum();
    chroma.add(rows, a, rows.frameCount);
    return chroma.sum;
  };
  return cosine(sum(rowsOf(frames), from), sum(rowsOf(reference), 0));
}

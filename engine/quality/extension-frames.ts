import { analysisSignal } from "../analysis/signal.ts";
import {
  CHROMA_BINS,
  FRAME_SIZE,
  frameFeatures,
  HOP,
  MFCC_COEFFICIENTS,
  type FrameFeatures,
} from "../analysis/features.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import type { AnalysisSignal } from "../analysis/signal.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import { windowOf, type SampleSource } from "./sample-source.ts";
import type { Steps } from "./steps.ts";

/** The input's analysis that the mapped path reads. */
export interface InputFigures {
  readonly audio: PcmAudio;
  readonly signal: AnalysisSignal;
  readonly frames: FrameFeatures;
  readonly beats: BeatAnalysis;
}

export function emptyFrames(sampleRate: number, count: number): FrameFeatures {
  return {
    sampleRate,
    frameSize: FRAME_SIZE,
    hop: HOP,
    frameCount: count,
    chroma: new Float32Array(count * CHROMA_BINS),
    mfcc: new Float32Array(count * MFCC_COEFFICIENTS),
    levelDb: new Float32Array(count),
    flux: new Float32Array(count),
  };
}

function copyFrame(from: FrameFeatures, g: number, to: FrameFeatures, f: number, flux = false): void {
  to.chroma.set(from.chroma.subarray(g * CHROMA_BINS, (g + 1) * CHROMA_BINS), f * CHROMA_BINS);
  to.mfcc.set(from.mfcc.subarray(g * MFCC_COEFFICIENTS, (g + 1) * MFCC_COEFFICIENTS), f * MFCC_COEFFICIENTS);
  to.levelDb[f] = from.levelDb[g]!;
  if (flux) to.flux[f] = from.flux[g]!;
}

/**
 * Analysis samples per frameFeatures call (about 6 minutes at 22.05 kHz): a long result's frames are computed a
 * piece at a time, in pieces of whole hops that overlap by a frame, so that each frame (and its flux, which reads the
 * frame before) has all its samples in one piece. A short extension is one piece, read as before. Pieces restart
 * the level's running sum of squares: a frame's level may differ from a one-piece reading in its last bits.
 */
export const PIECE_ANALYSIS_SAMPLES = HOP * 4096 * 2;
/** Analysis samples read from the result at a time while a piece is filled. */
const READ_STEP_ANALYSIS_SAMPLES = 1 << 16;

/** A batch of computeFrames: [first computed, first kept, last] frames of each run, laid end to end in one piece. */
export type FrameBatch = readonly (readonly [number, number, number])[];

/**
 * Frames [first, last] of each run, computed from the result's samples into consecutive rows of `frames` (from row 0,
 * in the runs' order): the runs' samples laid end to end, each starting on the hop grid so that every run's frames keep
 * their alignment, in pieces of at most PIECE_ANALYSIS_SAMPLES (batchRuns). `flux`: also copy the flux.
 */
export function* computeFrames(
  result: SampleSource,
  boundary: number,
  factor: number,
  runs: readonly [number, number][],
  frames: FrameFeatures,
  flux: boolean,
): Steps<void> {
  let firstRow = 0;
  for (const batch of batchRuns(runs)) {
    yield* computeBatch(result, boundary, factor, batch, { frames, flux, firstRow });
    firstRow += keptFrames(batch);
  }
}

/** Analysis samples a batch's runs take laid end to end (each from a hop), and where each starts. */
function batchLayout(batch: FrameBatch): { readonly starts: number[]; readonly length: number } {
  const starts: number[] = [];
  let length = 0;
  for (const [first, , last] of batch) {
    starts.push(length);
    length += Math.ceil(((last - first) * HOP + FRAME_SIZE) / HOP) * HOP;
  }
  return { starts, length };
}

/** Frames a batch computes for its rows. */
export const keptFrames = (batch: FrameBatch): number =>
  batch.reduce((sum, [, kept, last]) => sum + last - kept + 1, 0);

/**
 * The runs ([first, last] frames, ascending) cut into batches whose samples fit one frameFeatures call (a run longer
 * than that is cut into overlapping pieces): the same batches whatever reads them, so that a frame computed twice
 * reads the same levels (a piece restarts the level's running sum).
 */
export function batchRuns(runs: readonly [number, number][]): FrameBatch[] {
  const maxFrames = PIECE_ANALYSIS_SAMPLES / HOP - Math.ceil(FRAME_SIZE / HOP);
  const batches: FrameBatch[] = [];
  // [first computed, first kept, last]: a cut run's later pieces start a frame early, so that their first kept
  // frame's flux reads the frame before it.
  let batch: [number, number, number][] = [];
  let batchFrames = 0;
  for (const [first, last] of runs) {
    let kept = first;
    while (kept <= last) {
      const from = kept === first ? first : kept - 1;
      const to = Math.min(last, from + maxFrames - 1);
      const size = to - from + 1 + Math.ceil(FRAME_SIZE / HOP);
      if (batchFrames + size > maxFrames && batch.length > 0) {
        batches.push(batch);
        batch = [];
        batchFrames = 0;
      }
      batch.push([from, kept, to]);
      batchFrames += size;
      kept = to + 1;
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** A batch's frames, computed from the result's samples into rows firstRow, firstRow + 1, ... of `frames`. */
export function* computeBatch(
  result: SampleSource,
  boundary: number,
  factor: number,
  runs: FrameBatch,
  into: {
    readonly frames: FrameFeatures;
    readonly flux: boolean;
    readonly firstRow: number;
  },
): Steps<void> {
  const { frames, flux } = into;
  const { starts, length } = batchLayout(runs);
  // Held while the batch is computed only (up to 16 MB).
  const samples = new Float32Array(length + FRAME_SIZE);
  for (const [k, [first, , last]] of runs.entries()) {
    const from = boundary + first * HOP * factor;
    const to = boundary + (last * HOP + FRAME_SIZE) * factor;
    // Read in steps (a whole multiple of the decimation): the same analysis samples as one window, without a piece's
    // worth of stereo result and its mono copy held at once (about 100 MB).
    const step = READ_STEP_ANALYSIS_SAMPLES * factor;
    for (let at = from; at < to; at += step) {
      const part = analysisSignal(windowOf(result, at, Math.min(to, at + step))).samples;
      samples.set(part, starts[k]! + (at - from) / factor);
      yield;
    }
  }
  const computed = frameFeatures(samples, frames.sampleRate);
  let row = into.firstRow;
  runs.forEach(([first, kept, last], k) => {
    for (let f = kept; f <= last; f++) copyFrame(computed, starts[k]! / HOP + f - first, frames, row++, flux);
  });
}

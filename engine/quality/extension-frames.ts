import { analysisSignal } from "../analysis/signal.ts";
import {
  CHROMA_BINS,
  FRAME_SIZE,
  frameFeatures,
  HOP,
  MFCC_COEFFICIENTS,
  type FrameFeatures,
} from "../analysis/features.ts";
import { segmentHolding, type CopySegment } from "./copy-map.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import type { AnalysisSignal } from "../analysis/signal.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import { windowOf, type SampleSource } from "./sample-source.ts";
import { indexedRows, type FrameRows } from "./frame-rows.ts";
import type { Steps } from "./steps.ts";

/** Frames mapped between two steps. */
const STEP_FRAMES = 65_536;

/** The input's analysis that the mapped path reads. */
export interface InputFigures {
  readonly audio: PcmAudio;
  readonly signal: AnalysisSignal;
  readonly frames: FrameFeatures;
  readonly beats: BeatAnalysis;
  /** kWeightedPower(audio). */
  readonly power: Float32Array;
}

/**
 * The extension's frames where a frame's samples lie inside one copied segment: the input's frame nearest to the same
 * audio (the copy rarely lands on the input's frame grid: at most half a hop, 11.6 ms, away; interpolating between two
 * frames would smooth the MFCC spread that the timbre distance compares), kept as its index. Every other frame (seams,
 * crossfades, anything generated) is computed from the result's own samples and held.
 */
export function* mappedFrames(
  input: InputFigures,
  result: SampleSource,
  boundary: number,
  segments: readonly CopySegment[],
): Steps<FrameRows> {
  const { factor } = input.signal;
  const source = input.frames;
  const analysisLength = Math.floor((result.length - boundary) / factor);
  const count = analysisLength < FRAME_SIZE ? 1 : 1 + Math.floor((analysisLength - FRAME_SIZE) / HOP);
  const refs = new Int32Array(count);
  const unmapped: [number, number][] = [];
  let computed = 0;
  for (let f = 0; f < count; f++) {
    if (f % STEP_FRAMES === 0) yield;
    const start = boundary + f * HOP * factor;
    const segment = segmentHolding(segments, start, start + FRAME_SIZE * factor);
    const g = segment ? Math.round((start - segment.offset) / (HOP * factor)) : -1;
    if (g >= 0 && g < source.frameCount) refs[f] = g;
    else {
      refs[f] = -1 - computed++;
      const run = unmapped.at(-1);
      if (run && run[1] === f - 1) run[1] = f;
      else unmapped.push([f, f]);
    }
  }
  const own = emptyFrames(input.signal.sampleRate, computed);
  yield* computeFrames(result, boundary, factor, unmapped, own, false, (f) => -1 - refs[f]!);
  return indexedRows(source, own, refs);
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

/**
 * Frames [first, last] of each run, computed from the result's samples into row `slot(f)` of `frames`: the runs'
 * samples laid end to end, each starting on the hop grid so that every run's frames keep their alignment, in pieces of
 * at most PIECE_ANALYSIS_SAMPLES (a run longer than that is cut into overlapping pieces). `flux`: also copy the flux.
 */
export function* computeFrames(
  result: SampleSource,
  boundary: number,
  factor: number,
  runs: readonly [number, number][],
  frames: FrameFeatures,
  flux: boolean,
  slot: (f: number) => number = (f) => f,
): Steps<void> {
  const maxFrames = PIECE_ANALYSIS_SAMPLES / HOP - Math.ceil(FRAME_SIZE / HOP);
  // [first computed, first kept, last]: a cut run's later pieces start a frame early, so that their first kept
  // frame's flux reads the frame before it.
  let batch: [number, number, number][] = [];
  let batchFrames = 0;
  function* flush(): Steps<void> {
    if (batch.length > 0) yield* computeRuns(result, boundary, factor, batch, { frames, flux, slot });
    batch = [];
    batchFrames = 0;
  }
  for (const [first, last] of runs) {
    let kept = first;
    while (kept <= last) {
      const from = kept === first ? first : kept - 1;
      const to = Math.min(last, from + maxFrames - 1);
      const size = to - from + 1 + Math.ceil(FRAME_SIZE / HOP);
      if (batchFrames + size > maxFrames) yield* flush();
      batch.push([from, kept, to]);
      batchFrames += size;
      kept = to + 1;
    }
  }
  yield* flush();
}

/** computeFrames for runs whose samples fit one frameFeatures call. */
function* computeRuns(
  result: SampleSource,
  boundary: number,
  factor: number,
  runs: readonly [number, number, number][],
  into: { readonly frames: FrameFeatures; readonly flux: boolean; readonly slot: (f: number) => number },
): Steps<void> {
  const { frames, flux, slot } = into;
  const starts: number[] = [];
  let length = 0;
  for (const [first, , last] of runs) {
    starts.push(length);
    length += Math.ceil(((last - first) * HOP + FRAME_SIZE) / HOP) * HOP;
  }
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
  runs.forEach(([first, kept, last], k) => {
    for (let f = kept; f <= last; f++) copyFrame(computed, starts[k]! / HOP + f - first, frames, slot(f), flux);
  });
}

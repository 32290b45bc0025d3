import type { PcmAudio } from "../audio/pcm.ts";
import { analyseBeatsFromFrames, type BeatAnalysis } from "../analysis/beats.ts";
import {
  CHROMA_BINS,
  FRAME_SIZE,
  frameFeatures,
  HOP,
  MFCC_COEFFICIENTS,
  type FrameFeatures,
} from "../analysis/features.ts";
import { ANALYSIS_RATE, analysisSignal, type AnalysisSignal } from "../analysis/signal.ts";
import { segmentHolding, type CopySegment } from "./copy-map.ts";
import { kWeighting, loudnessMeter } from "./loudness-meter.ts";
import { windowOf, type SampleSource } from "./sample-source.ts";

/**
 * What the metrics read from the extension (the result from `boundary` on) besides its seams: its frame features on
 * its own analysis grid, its tempo and its integrated loudness. Measured directly, or mapped from the input's own
 * analysis where the extension is a sample-exact copy of the input (see analyseExtensionMapped).
 */
export interface ExtensionAnalysis {
  /** chroma, mfcc and levelDb per frame (flux is not read and is 0 on the mapped path). */
  readonly frames: FrameFeatures;
  readonly tempoBpm: number;
  /** LUFS; -Infinity when the extension is silent. */
  readonly integratedLufs: number;
}

/** The input's analysis that the mapped path reads. */
export interface InputFigures {
  readonly audio: PcmAudio;
  readonly signal: AnalysisSignal;
  readonly frames: FrameFeatures;
  readonly beats: BeatAnalysis;
  /** kWeightedPower(audio). */
  readonly power: Float32Array;
}

/** Runs a named stage (measure.ts times each one and reports progress by them). */
export type Timed = <T>(name: string, stage: () => T) => T;

export const DIRECT_STAGES = ["extension: signal + features", "extension: beats", "extension: loudness"] as const;
export const MAPPED_STAGES = [
  "extension: tempo (mapped)",
  "extension: frames (mapped)",
  "extension: loudness (mapped)",
] as const;

/**
 * The extension analysed as measureExtension always did before the mapped path: all of its samples. `copiedTempoBpm`:
 * the tempo read from the input's beats the extension copies (mappedTempoBpm), used instead of the beat tracker's.
 */
export function analyseExtensionDirect(
  result: SampleSource,
  boundary: number,
  timed: Timed,
  copiedTempoBpm?: number,
): ExtensionAnalysis {
  const [signalStage, beatStage, loudnessStage] = DIRECT_STAGES;
  const length = result.length - boundary;
  const factor = Math.max(1, Math.floor(result.sampleRate / ANALYSIS_RATE));
  const frames = timed(signalStage, () => {
    const analysisLength = Math.floor(length / factor);
    const count = analysisLength < FRAME_SIZE ? 1 : 1 + Math.floor((analysisLength - FRAME_SIZE) / HOP);
    const frames = emptyFrames(result.sampleRate / factor, count);
    computeFrames(result, boundary, factor, [[0, count - 1]], frames, true);
    return frames;
  });
  const tempoBpm = timed(beatStage, () => {
    if (copiedTempoBpm !== undefined) return copiedTempoBpm;
    // The beat tracker reads the whole extension's analysis signal (a fifth of its float samples at 44.1 kHz
    // stereo): only when the copies carry too few beats to read the tempo from.
    const signal = analysisSignalOf(result, boundary);
    return analyseBeatsFromFrames(result.sampleRate, length, signal.samples, frames, signal.factor).tempoBpm;
  });
  return {
    frames,
    tempoBpm,
    integratedLufs: timed(loudnessStage, () => mappedLoudness(undefined, result, boundary, [])),
  };
}

/** analysisSignal of result samples [from, end), downmixed window by window (each a whole number of factors). */
function analysisSignalOf(result: SampleSource, from: number): AnalysisSignal {
  const factor = Math.max(1, Math.floor(result.sampleRate / ANALYSIS_RATE));
  const samples = new Float32Array(Math.floor((result.length - from) / factor));
  const step = factor * PIECE_ANALYSIS_SAMPLES;
  for (let at = 0; at < samples.length; at += PIECE_ANALYSIS_SAMPLES) {
    const part = analysisSignal(
      windowOf(result, from + at * factor, Math.min(result.length, from + at * factor + step)),
    );
    samples.set(part.samples.subarray(0, samples.length - at), at);
  }
  return { samples, sampleRate: result.sampleRate / factor, factor };
}

/**
 * The extension's frames where a frame's samples lie inside one copied segment: the input's frame nearest to the same
 * audio (the copy rarely lands on the input's frame grid: at most half a hop, 11.6 ms, away; interpolating between two
 * frames would smooth the MFCC spread that the timbre distance compares). Every other frame (seams, crossfades,
 * anything generated) is computed from the result's own samples.
 */
export function mappedFrames(
  input: InputFigures,
  result: SampleSource,
  boundary: number,
  segments: readonly CopySegment[],
): FrameFeatures {
  const { factor } = input.signal;
  const source = input.frames;
  const analysisLength = Math.floor((result.length - boundary) / factor);
  const count = analysisLength < FRAME_SIZE ? 1 : 1 + Math.floor((analysisLength - FRAME_SIZE) / HOP);
  const frames = emptyFrames(input.signal.sampleRate, count);
  const unmapped: number[] = [];
  for (let f = 0; f < count; f++) {
    const start = boundary + f * HOP * factor;
    const segment = segmentHolding(segments, start, start + FRAME_SIZE * factor);
    const g = segment ? Math.round((start - segment.offset) / (HOP * factor)) : -1;
    if (g < 0 || g >= source.frameCount) unmapped.push(f);
    else copyFrame(source, g, frames, f);
  }
  computeFrames(result, boundary, factor, runsOf(unmapped), frames, false);
  return frames;
}

function emptyFrames(sampleRate: number, count: number): FrameFeatures {
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
const PIECE_ANALYSIS_SAMPLES = HOP * 4096 * 2;

/**
 * Frames [first, last] of each run, computed from the result's samples into `frames`: the runs' samples laid end to
 * end, each starting on the hop grid so that every run's frames keep their alignment, in pieces of at most
 * PIECE_ANALYSIS_SAMPLES (a run longer than that is cut into overlapping pieces). `flux`: also copy the flux.
 */
function computeFrames(
  result: SampleSource,
  boundary: number,
  factor: number,
  runs: readonly [number, number][],
  frames: FrameFeatures,
  flux: boolean,
): void {
  const maxFrames = PIECE_ANALYSIS_SAMPLES / HOP - Math.ceil(FRAME_SIZE / HOP);
  // [first computed, first kept, last]: a cut run's later pieces start a frame early, so that their first kept
  // frame's flux reads the frame before it.
  let batch: [number, number, number][] = [];
  let batchFrames = 0;
  const flush = () => {
    if (batch.length > 0) computeRuns(result, boundary, factor, batch, frames, flux);
    batch = [];
    batchFrames = 0;
  };
  for (const [first, last] of runs) {
    let kept = first;
    while (kept <= last) {
      const from = kept === first ? first : kept - 1;
      const to = Math.min(last, from + maxFrames - 1);
      const size = to - from + 1 + Math.ceil(FRAME_SIZE / HOP);
      if (batchFrames + size > maxFrames) flush();
      batch.push([from, kept, to]);
      batchFrames += size;
      kept = to + 1;
    }
  }
  flush();
}

/** computeFrames for runs whose samples fit one frameFeatures call. */
function computeRuns(
  result: SampleSource,
  boundary: number,
  factor: number,
  runs: readonly [number, number, number][],
  frames: FrameFeatures,
  flux: boolean,
): void {
  const starts: number[] = [];
  let length = 0;
  for (const [first, , last] of runs) {
    starts.push(length);
    length += Math.ceil(((last - first) * HOP + FRAME_SIZE) / HOP) * HOP;
  }
  const samples = new Float32Array(length + FRAME_SIZE);
  runs.forEach(([first, , last], k) => {
    const from = boundary + first * HOP * factor;
    const to = boundary + (last * HOP + FRAME_SIZE) * factor;
    samples.set(analysisSignal(windowOf(result, from, to)).samples, starts[k]!);
  });
  const computed = frameFeatures(samples, frames.sampleRate);
  runs.forEach(([first, kept, last], k) => {
    for (let f = kept; f <= last; f++) copyFrame(computed, starts[k]! / HOP + f - first, frames, f, flux);
  });
}

/** Ascending integers grouped into [first, last] runs of consecutive values. */
function runsOf(values: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const v of values) {
    const run = runs.at(-1);
    if (run && run[1] === v - 1) run[1] = v;
    else runs.push([v, v]);
  }
  return runs;
}

/**
 * The extension's tempo from the beats it carries: the input's beats, placed where the copies put them in the result.
 * Their mean spacing (across each join too) against the input's own mean spacing scales the input's tempo reading:
 * an extension that plays the input's faster sections, or whose joins drop or add part of a beat, reads off by that
 * much; one that plays the input's material in its own proportions reads the input's tempo. Means, not medians: beat
 * positions are quantised to analysis frames, and a median of such intervals jumps by a frame's worth (2-3 %).
 * Undefined with fewer than 8 beat intervals.
 */
export function mappedTempoBpm(beats: BeatAnalysis, segments: readonly CopySegment[]): number | undefined {
  const placed: number[] = [];
  for (const { start, end, offset } of segments) {
    for (let i = firstAtOrAfter(beats.beats, start - offset); i < beats.beats.length; i++) {
      const at = beats.beats[i]! + offset;
      if (at >= end) break;
      placed.push(at);
    }
  }
  const played = meanBeatInterval(placed, beats.beatSamples);
  const own = meanBeatInterval(beats.beats, beats.beatSamples);
  return played === undefined || own === undefined ? undefined : (beats.tempoBpm * own) / played;
}

/**
 * Mean spacing of consecutive beats. An interval of about k beats (k up to 4) spans beats that fall where nothing was
 * copied (the crossfade at a join): it counts as k beats. Longer gaps are left out.
 */
function meanBeatInterval(positions: readonly number[], beatSamples: number): number | undefined {
  let sum = 0;
  let count = 0;
  for (let i = 1; i < positions.length; i++) {
    const interval = positions[i]! - positions[i - 1]!;
    if (interval <= 0 || interval > MAX_GAP_BEATS * beatSamples) continue;
    sum += interval;
    count += Math.max(1, Math.round(interval / beatSamples));
  }
  return count >= 8 ? sum / count : undefined;
}

const MAX_GAP_BEATS = 4.5;

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** K-weighting filter memory fades within this (its slowest pole, the 38 Hz high-pass, has a 4 ms time constant). */
const FILTER_SETTLE_SECONDS = 0.1;

/**
 * Integrated loudness of result samples [from, end): the input's K-weighted power copied where the result copies
 * the input, the result's own computed elsewhere and for FILTER_SETTLE_SECONDS after every join (the filter's memory
 * differs there), starting as integratedLoudness would: with the filter at rest at `from`. Read in order, a window at
 * a time (loudness-meter.ts). Without `input`, all of it is computed.
 */
export function mappedLoudness(
  input: InputFigures | undefined,
  result: SampleSource,
  from: number,
  segments: readonly CopySegment[],
): number {
  const end = result.length;
  const settle = Math.round(FILTER_SETTLE_SECONDS * result.sampleRate);
  const meter = loudnessMeter(result.sampleRate);
  const compute = (first: number, last: number) => {
    if (last <= first) return;
    const warm = Math.max(from, first - settle);
    const filter = kWeighting(result.sampleRate, result.channelCount);
    for (let at = warm; at < last; at += READ_FRAMES) {
      const power = filter.power(windowOf(result, at, Math.min(last, at + READ_FRAMES)).channels);
      meter.pushPower(at < first ? power.subarray(first - at) : power);
    }
  };
  let cursor = from;
  for (const { start, end: stop, offset } of input ? segments : []) {
    compute(cursor, start);
    const settled = Math.min(stop, start + settle);
    compute(start, settled);
    meter.pushPower(input!.power.subarray(settled - offset, stop - offset));
    cursor = stop;
  }
  compute(cursor, end);
  return meter.loudness();
}

/** Frames read at a time where the loudness is computed from the result's samples. */
const READ_FRAMES = 1 << 16;

/** The mapped analysis (mappedTempoBpm, mappedFrames, mappedLoudness); undefined when too few beats are copied. */
export function analyseExtensionMapped(
  input: InputFigures,
  result: SampleSource,
  boundary: number,
  segments: readonly CopySegment[],
  timed: Timed,
): ExtensionAnalysis | undefined {
  const [tempoStage, framesStage, loudnessStage] = MAPPED_STAGES;
  const tempoBpm = timed(tempoStage, () => mappedTempoBpm(input.beats, segments));
  if (tempoBpm === undefined) return undefined;
  return {
    frames: timed(framesStage, () => mappedFrames(input, result, boundary, segments)),
    tempoBpm,
    integratedLufs: timed(loudnessStage, () => mappedLoudness(input, result, boundary, segments)),
  };
}

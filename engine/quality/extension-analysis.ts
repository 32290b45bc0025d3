import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { gatedLoudness, kWeightedPower } from "../audio/k-weighting.ts";
import { analyseBeatsFromFrames, type BeatAnalysis } from "../analysis/beats.ts";
import {
  CHROMA_BINS,
  FRAME_SIZE,
  frameFeatures,
  HOP,
  MFCC_COEFFICIENTS,
  type FrameFeatures,
} from "../analysis/features.ts";
import { analysisSignal, type AnalysisSignal } from "../analysis/signal.ts";
import { segmentHolding, type CopySegment } from "./copy-map.ts";
import { integratedLoudness } from "./loudness.ts";

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
  result: PcmAudio,
  boundary: number,
  timed: Timed,
  copiedTempoBpm?: number,
): ExtensionAnalysis {
  const [signalStage, beatStage, loudnessStage] = DIRECT_STAGES;
  const extension = { sampleRate: result.sampleRate, channels: result.channels.map((c) => c.subarray(boundary)) };
  const { signal, frames } = timed(signalStage, () => {
    const signal = analysisSignal(extension);
    return { signal, frames: frameFeatures(signal.samples, signal.sampleRate) };
  });
  const length = frameCount(extension);
  const tempoBpm = timed(
    beatStage,
    () =>
      copiedTempoBpm ??
      analyseBeatsFromFrames(result.sampleRate, length, signal.samples, frames, signal.factor).tempoBpm,
  );
  return {
    frames,
    tempoBpm,
    integratedLufs: timed(loudnessStage, () => integratedLoudness(extension)),
  };
}

/**
 * The extension's frames where a frame's samples lie inside one copied segment: the input's frame nearest to the same
 * audio (the copy rarely lands on the input's frame grid: at most half a hop, 11.6 ms, away; interpolating between two
 * frames would smooth the MFCC spread that the timbre distance compares). Every other frame (seams, crossfades,
 * anything generated) is computed from the result's own samples.
 */
export function mappedFrames(
  input: InputFigures,
  result: PcmAudio,
  boundary: number,
  segments: readonly CopySegment[],
): FrameFeatures {
  const { factor } = input.signal;
  const source = input.frames;
  const analysisLength = Math.floor((frameCount(result) - boundary) / factor);
  const count = analysisLength < FRAME_SIZE ? 1 : 1 + Math.floor((analysisLength - FRAME_SIZE) / HOP);
  const frames: FrameFeatures = {
    sampleRate: input.signal.sampleRate,
    frameSize: FRAME_SIZE,
    hop: HOP,
    frameCount: count,
    chroma: new Float32Array(count * CHROMA_BINS),
    mfcc: new Float32Array(count * MFCC_COEFFICIENTS),
    levelDb: new Float32Array(count),
    flux: new Float32Array(count),
  };
  const unmapped: number[] = [];
  for (let f = 0; f < count; f++) {
    const start = boundary + f * HOP * factor;
    const segment = segmentHolding(segments, start, start + FRAME_SIZE * factor);
    const g = segment ? Math.round((start - segment.offset) / (HOP * factor)) : -1;
    if (g < 0 || g >= source.frameCount) unmapped.push(f);
    else copyFrame(source, g, frames, f);
  }
  computeFrames(result, boundary, factor, runsOf(unmapped), frames);
  return frames;
}

function copyFrame(from: FrameFeatures, g: number, to: FrameFeatures, f: number): void {
  to.chroma.set(from.chroma.subarray(g * CHROMA_BINS, (g + 1) * CHROMA_BINS), f * CHROMA_BINS);
  to.mfcc.set(from.mfcc.subarray(g * MFCC_COEFFICIENTS, (g + 1) * MFCC_COEFFICIENTS), f * MFCC_COEFFICIENTS);
  to.levelDb[f] = from.levelDb[g]!;
}

/**
 * Frames [first, last] of each run, computed from the result's samples into `frames`, in one frameFeatures call: the
 * runs' samples laid end to end, each starting on the hop grid, so that every run's frames keep their alignment.
 */
function computeFrames(
  result: PcmAudio,
  boundary: number,
  factor: number,
  runs: readonly [number, number][],
  frames: FrameFeatures,
): void {
  if (runs.length === 0) return;
  const starts: number[] = [];
  let length = 0;
  for (const [first, last] of runs) {
    starts.push(length);
    length += Math.ceil(((last - first) * HOP + FRAME_SIZE) / HOP) * HOP;
  }
  const samples = new Float32Array(length + FRAME_SIZE);
  runs.forEach(([first, last], k) => {
    const from = boundary + first * HOP * factor;
    const to = boundary + (last * HOP + FRAME_SIZE) * factor;
    const part = analysisSignal({
      sampleRate: result.sampleRate,
      channels: result.channels.map((c) => c.subarray(from, to)),
    });
    samples.set(part.samples, starts[k]!);
  });
  const computed = frameFeatures(samples, frames.sampleRate);
  runs.forEach(([first, last], k) => {
    for (let f = first; f <= last; f++) copyFrame(computed, starts[k]! / HOP + f - first, frames, f);
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
 * differs there), starting as integratedLoudness would: with the filter at rest at `from`.
 */
export function mappedLoudness(input: InputFigures, result: PcmAudio, from: number, segments: readonly CopySegment[]) {
  const end = frameCount(result);
  const settle = Math.round(FILTER_SETTLE_SECONDS * result.sampleRate);
  const power = new Float32Array(end - from);
  const computed: [number, number][] = [];
  let cursor = from;
  for (const { start, end: stop, offset } of segments) {
    if (start > cursor) computed.push([cursor, start]);
    power.set(input.power.subarray(start - offset, stop - offset), start - from);
    computed.push([start, Math.min(stop, start + settle)]);
    cursor = stop;
  }
  if (cursor < end) computed.push([cursor, end]);
  for (const [first, last] of computed) {
    const warm = Math.max(from, first - settle);
    const part = kWeightedPower({
      sampleRate: result.sampleRate,
      channels: result.channels.map((c) => c.subarray(warm, last)),
    });
    power.set(part.subarray(first - warm), first - from);
  }
  return gatedLoudness(power, result.sampleRate);
}

/** The mapped analysis (mappedTempoBpm, mappedFrames, mappedLoudness); undefined when too few beats are copied. */
export function analyseExtensionMapped(
  input: InputFigures,
  result: PcmAudio,
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

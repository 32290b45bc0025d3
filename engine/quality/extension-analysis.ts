import { analyseBeatsFromFrames, type BeatAnalysis } from "../analysis/beats.ts";
import { frameCountOfLength } from "../analysis/features.ts";
import { ANALYSIS_RATE, analysisSignal, type AnalysisSignal } from "../analysis/signal.ts";
import type { CopySegment } from "./copy-map.ts";
import { computeFrames, emptyFrames, type InputFigures, PIECE_ANALYSIS_SAMPLES } from "./extension-frames.ts";
export type { InputFigures };
import { kWeighting, kWeightedPower } from "../audio/k-weighting.ts";
import { wholeRows } from "./frame-rows.ts";
import { mappedWalk, wholeWalk, type FrameWalk } from "./frame-walk.ts";
import type { Steps } from "./steps.ts";
import { stage as printStage } from "../stages.ts";
import { loudnessMeter } from "./loudness-meter.ts";
import { windowOf, type SampleSource } from "./sample-source.ts";

/**
 * What the metrics read from the extension (the result from `boundary` on) besides its seams: its frame features on
 * its own analysis grid, its tempo and its integrated loudness. Measured directly, or mapped from the input's own
 * analysis where the extension is a sample-exact copy of the input (see analyseExtensionMapped).
 */
export interface ExtensionAnalysis {
  /** chroma, mfcc and levelDb per frame (flux is not read), in order. */
  readonly frames: FrameWalk;
  readonly tempoBpm: number;
  /** LUFS; -Infinity when the extension is silent. */
  readonly integratedLufs: number;
}

/**
 * Runs a named stage (measure.ts times each one and reports progress by them); `started` (performance.now()): when
 * the stage began, if before this call (see timedSteps).
 */
export type Timed = <T>(name: string, stage: () => T, started?: number) => T;

/** A stage in steps (steps.ts), timed by `timed` from its first step to its end. */
export function* timedSteps<T>(timed: Timed, name: string, steps: Steps<T>): Steps<T> {
  const started = performance.now();
  const value = yield* steps;
  return timed(name, () => value, started);
}

/**
 * Runs a stage, adds its milliseconds to `timings[name]` when timings are wanted, and reports progress: the share of
 * `stages` (the planned names) done so far, each name counted once.
 */
export function stageTimer(
  stages: readonly string[],
  options: { readonly timings?: Record<string, number>; readonly onProgress?: (done: number, total: number) => void },
): Timed {
  const done = new Set<string>();
  return (name, stage, started = performance.now()) => {
    const value = stage();
    if (options.timings) options.timings[name] = (options.timings[name] ?? 0) + performance.now() - started;
    if (!done.has(name)) printStage(`measure: ${name}`);
    // A fallback from the mapped path runs other extension stages than planned: as many, so the count holds.
    done.add(name);
    options.onProgress?.(Math.min(done.size, stages.length), stages.length);
    return value;
  };
}

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
export function* analyseExtensionDirect(
  result: SampleSource,
  boundary: number,
  timed: Timed,
  copiedTempoBpm?: number,
): Steps<ExtensionAnalysis> {
  const [signalStage, beatStage, loudnessStage] = DIRECT_STAGES;
  const length = result.length - boundary;
  const factor = Math.max(1, Math.floor(result.sampleRate / ANALYSIS_RATE));
  const analysisLength = Math.floor(length / factor);
  const count = frameCountOfLength(analysisLength);
  const frames = emptyFrames(result.sampleRate / factor, count);
  yield* timedSteps(timed, signalStage, computeFrames(result, boundary, factor, [[0, count - 1]], frames, true));
  const tempoBpm = timed(beatStage, () => {
    if (copiedTempoBpm !== undefined) return copiedTempoBpm;
    // The beat tracker reads the whole extension's analysis signal (a fifth of its float samples at 44.1 kHz
    // stereo): only when the copies carry too few beats to read the tempo from.
    const signal = analysisSignalOf(result, boundary);
    return analyseBeatsFromFrames(result.sampleRate, length, signal.samples, frames, signal.factor).tempoBpm;
  });
  return {
    frames: wholeWalk(wholeRows(frames)),
    tempoBpm,
    integratedLufs: yield* timedSteps(timed, loudnessStage, mappedLoudness(undefined, result, boundary, [])),
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
export function* mappedLoudness(
  input: InputFigures | undefined,
  result: SampleSource,
  from: number,
  segments: readonly CopySegment[],
): Steps<number> {
  const end = result.length;
  const settle = Math.round(FILTER_SETTLE_SECONDS * result.sampleRate);
  const meter = loudnessMeter(result.sampleRate);
  function* compute(first: number, last: number): Steps<void> {
    if (last <= first) return;
    const warm = Math.max(from, first - settle);
    const filter = kWeighting(result.sampleRate, result.channelCount);
    for (let at = warm; at < last; at += READ_FRAMES) {
      const power = filter.power(windowOf(result, at, Math.min(last, at + READ_FRAMES)).channels);
      meter.pushPower(at < first ? power.subarray(first - at) : power);
      yield;
    }
  }
  // The input's power per sample (37 MB for 3:30 of stereo 44.1 kHz), made for this stage only.
  const inputPower = input && segments.length > 0 ? kWeightedPower(input.audio) : undefined;
  let cursor = from;
  for (const { start, end: stop, offset } of inputPower ? segments : []) {
    yield* compute(cursor, start);
    const settled = Math.min(stop, start + settle);
    yield* compute(start, settled);
    meter.pushPower(inputPower!.subarray(settled - offset, stop - offset));
    cursor = stop;
    yield;
  }
  yield* compute(cursor, end);
  return meter.loudness();
}

/** Frames read at a time where the loudness is computed from the result's samples. */
const READ_FRAMES = 1 << 16;

/** The mapped analysis (mappedTempoBpm, mappedWalk, mappedLoudness); undefined when too few beats are copied. */
export function* analyseExtensionMapped(
  input: InputFigures,
  result: SampleSource,
  boundary: number,
  segments: readonly CopySegment[],
  timed: Timed,
): Steps<ExtensionAnalysis | undefined> {
  const [tempoStage, framesStage, loudnessStage] = MAPPED_STAGES;
  const tempoBpm = timed(tempoStage, () => mappedTempoBpm(input.beats, segments));
  if (tempoBpm === undefined) return undefined;
  return {
    frames: yield* timedSteps(timed, framesStage, mappedWalk(input, result, boundary, segments)),
    tempoBpm,
    integratedLufs: yield* timedSteps(timed, loudnessStage, mappedLoudness(input, result, boundary, segments)),
  };
}

import { shortTermLufs } from "../audio/loudness.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { analyseBeatsFromFrames, type BeatAnalysis } from "../analysis/beats.ts";
import { CHROMA_BINS, MFCC_COEFFICIENTS, meanOverFrames, type FrameFeatures } from "../analysis/features.ts";
import { BEAT_VECTOR_SIZE, createBeatVectoriser, type BeatVectoriser } from "../analysis/beat-vectors.ts";
import { analysisSignal, type AnalysisSignal } from "../analysis/signal.ts";
import { detrendedEnvelope } from "../analysis/tempo-fallback.ts";
import { countClicks } from "./clicks.ts";
import { fluxInRanges, frameFeatures } from "../analysis/features.ts";
import { integratedLoudness } from "./loudness.ts";
import { shortestLoopSeconds, verbatimFraction, type SlidingBlocks } from "./loops.ts";
import type { QualityReport } from "./report.ts";

export interface ExtensionToMeasure {
  readonly original: PcmAudio;
  /** Starts with the original; the rest is the extension. */
  readonly result: PcmAudio;
  /** Join points in the result, seconds. */
  readonly seams: readonly number[];
}

export interface MeasureOptions {
  /** analyseOriginal(original) made earlier: measuring several extensions of one song analyses it once. */
  readonly originalAnalysis?: OriginalAnalysis;
  /** Filled with the milliseconds each stage took (for benchmarks). */
  readonly timings?: Record<string, number>;
}

/** Everything measureExtension needs from the original, independent of the extension. */
export interface OriginalAnalysis {
  readonly audio: PcmAudio;
  readonly signal: AnalysisSignal;
  readonly frames: FrameFeatures;
  readonly beats: BeatAnalysis;
  readonly vectoriser: BeatVectoriser;
  /** Median beat length in analysis frames, and the one-beat block length the loop detector uses. */
  readonly beatFrames: number;
  readonly blockFrames: number;
  readonly blocks: SlidingBlocks;
  readonly shortestLoopSeconds: number;
  readonly integratedLufs: number;
}

/** Context kept before the extension so that seams at its start have a "before". */
// The beat-phase reading needs 4 s before a seam; the extra second keeps the first seam (at the original's end)
// inside the window despite frame rounding and the seam guard.
const LEAD_SECONDS = 5;
const SILENT_BLOCK_DB = -60;

/** Analyses the original once: features, beats, one-beat blocks, its own loops, loudness. */
export function analyseOriginal(original: PcmAudio, timings?: Record<string, number>): OriginalAnalysis {
  const time = stageTimer(timings);
  const sampleRate = original.sampleRate;
  const signal = time("original: signal + features", () => analysisSignal(original));
  const frames = time("original: signal + features", () => frameFeatures(signal.samples, signal.sampleRate));
  const beats = time("original: beats", () => analyseBeatsFromFrames(sampleRate, frameCount(original), signal.samples, frames, signal.factor));
  const vectoriser = createBeatVectoriser(beats);
  const beatFrames = beats.beatSamples / signal.factor / frames.hop;
  const blockFrames = Math.max(2, Math.round(beatFrames));
  const blocks = time("original: blocks + loops", () => slidingBlocks(frames, blockFrames, vectoriser));
  const loop = time("original: blocks + loops", () => shortestLoopSeconds(blocks));
  const lufs = time("original: loudness", () => integratedLoudness(original));
  return { audio: original, signal, frames, beats, vectoriser, beatFrames, blockFrames, blocks, shortestLoopSeconds: loop, integratedLufs: lufs };
}

/**
 * Measures how well an extension matches its original and hides its seams (see QualityReport). The original is
 * analysed once (or taken from options.originalAnalysis) and the extension once; the seam metrics that need the
 * frame grid of the 4 s before the extension compute that grid only around the seams.
 */
export async function measureExtension(input: ExtensionToMeasure, options: MeasureOptions = {}): Promise<QualityReport> {
  const time = stageTimer(options.timings);
  const { original, result } = input;
  const sampleRate = original.sampleRate;
  const originalLength = frameCount(original);
  const resultLength = frameCount(result);
  const extensionLength = Math.max(0, resultLength - originalLength);
  const seams = input.seams.filter((s) => s * sampleRate >= 0 && s * sampleRate < resultLength);

  const reference = options.originalAnalysis?.audio === original ? options.originalAnalysis : analyseOriginal(original, options.timings);
  const { frames: originalFrames, beats: originalBeats, beatFrames } = reference;

  const empty: QualityReport = {
    extensionSeconds: 0,
    seamCount: seams.length,
    clicksAtSeams: 0,
    seamFluxZ: null,
    seamLoudnessChangeLu: null,
    integratedLoudnessDifferenceLu: null,
    tempoDifferencePercent: null,
    beatPhaseErrorAtSeams: null,
    timbreDistance: null,
    harmonySimilarity: null,
    shortestLoopSeconds: 0,
    originalShortestLoopSeconds: reference.shortestLoopSeconds,
    verbatimFraction: null,
    originalTempoBpm: originalBeats.tempoBpm,
    extensionTempoBpm: null,
  };
  if (extensionLength < sampleRate) return empty;

  // The extension with LEAD_SECONDS of the result before it ("window"), on its own frame grid, for the seams.
  const leadSamples = Math.min(originalLength, Math.round(LEAD_SECONDS * sampleRate));
  const windowStart = originalLength - leadSamples;
  const { windowSignal, extensionSignal } = time("extension: signal", () => {
    const windowSignal = analysisSignal({ sampleRate, channels: result.channels.map((c) => c.subarray(windowStart)) });
    // The same decimated samples when the lead is whole analysis samples (always at 44.1 and 48 kHz).
    const extensionSignal =
      leadSamples % windowSignal.factor === 0
        ? { ...windowSignal, samples: windowSignal.samples.subarray(leadSamples / windowSignal.factor) }
        : analysisSignal({ sampleRate, channels: result.channels.map((c) => c.subarray(originalLength)) });
    return { windowSignal, extensionSignal };
  });
  const hop = originalFrames.hop;
  const frameSize = originalFrames.frameSize;
  const toWindowFrame = (resultSample: number) => Math.round(((resultSample - windowStart) / windowSignal.factor - frameSize / 2) / hop);

  const extensionOnly: PcmAudio = { sampleRate, channels: result.channels.map((c) => c.subarray(originalLength)) };
  const extensionFrames = time("extension: features", () => frameFeatures(extensionSignal.samples, extensionSignal.sampleRate));
  const extensionBeats = time("extension: beats", () =>
    analyseBeatsFromFrames(sampleRate, extensionLength, extensionSignal.samples, extensionFrames, extensionSignal.factor),
  );
  const extensionLufs = time("loudness", () => integratedLoudness(extensionOnly));
  const silentExtension = !Number.isFinite(extensionLufs);
  const seamSamples = seams.map((s) => Math.round(s * sampleRate));
  const seamFrames = seamSamples.map(toWindowFrame);

  const framesPerSecond = windowSignal.sampleRate / hop;
  const phaseSpan = Math.round(4 * framesPerSecond);
  const windowFlux = time("window: flux around seams", () => {
    const margin = phaseSpan + Math.floor(Math.max(3, Math.round(framesPerSecond)) / 2) + 2;
    return fluxInRanges(windowSignal.samples, seamFrames.map((f) => [f - margin, f + margin] as const));
  });
  const windowGrid: FrameGrid = { sampleRate: windowSignal.sampleRate, hop, frameCount: windowFlux.length, flux: windowFlux };

  const extensionBlocks = time("extension: blocks", () => slidingBlocks(extensionFrames, reference.blockFrames, reference.vectoriser));
  return {
    ...empty,
    extensionSeconds: extensionLength / sampleRate,
    clicksAtSeams: time("clicks", () => countClicks(result.channels, sampleRate, seams)),
    seamFluxZ: median(seamFluxZScores(originalFrames, originalBeats, reference.signal.factor, windowGrid, seamFrames)),
    seamLoudnessChangeLu: time("seam loudness", () => median(seamSamples.map((p) => loudnessChangeAt(result, p)).filter(Number.isFinite).map(Math.abs))),
    integratedLoudnessDifferenceLu: finiteOrNull(extensionLufs - reference.integratedLufs),
    tempoDifferencePercent: silentExtension
      ? null
      : (100 * Math.abs(extensionBeats.tempoBpm - originalBeats.tempoBpm)) / originalBeats.tempoBpm,
    beatPhaseErrorAtSeams: silentExtension
      ? null
      : time("beat phase", () => {
          const envelope = detrendedEnvelope(windowGrid.flux, framesPerSecond);
          return median(seamFrames.map((f) => beatPhaseShift(windowGrid, envelope, f, beatFrames)).filter((e) => e !== null));
        }),
    timbreDistance: time("timbre + harmony", () => mfccFrechetDistance(extensionFrames, 0, extensionFrames.frameCount, originalFrames)),
    harmonySimilarity: time("timbre + harmony", () => chromaCosine(extensionFrames, 0, originalFrames)),
    shortestLoopSeconds: time("extension: loops", () => shortestLoopSeconds(extensionBlocks)),
    verbatimFraction: time("verbatim", () => verbatimFraction(extensionBlocks, reference.blocks)),
    extensionTempoBpm: silentExtension ? null : extensionBeats.tempoBpm,
  };
}

/** The onset envelope of a frame grid: what the seam flux and beat phase metrics read. */
interface FrameGrid {
  readonly sampleRate: number;
  readonly hop: number;
  readonly frameCount: number;
  readonly flux: Float32Array;
}

/** Runs a stage and adds its milliseconds to `timings[name]` when timings are wanted. */
function stageTimer(timings: Record<string, number> | undefined) {
  return <T>(name: string, stage: () => T): T => {
    if (!timings) return stage();
    const started = performance.now();
    const value = stage();
    timings[name] = (timings[name] ?? 0) + performance.now() - started;
    return value;
  };
}

/** Block vectors at every frame offset (the loop detector needs frame-resolution lags). */
function slidingBlocks(frames: FrameFeatures, blockFrames: number, vectoriser: BeatVectoriser): SlidingBlocks {
  const count = Math.max(0, frames.frameCount - blockFrames + 1);
  const size = BEAT_VECTOR_SIZE;
  const vectors = new Float32Array(count * size);
  const silent = new Uint8Array(count);
  const chroma = new Float32Array(CHROMA_BINS);
  const mfcc = new Float32Array(MFCC_COEFFICIENTS);
  for (let i = 0; i < count; i++) {
    meanOverFrames(frames.chroma, CHROMA_BINS, i, i + blockFrames, chroma);
    meanOverFrames(frames.mfcc, MFCC_COEFFICIENTS, i, i + blockFrames, mfcc);
    const level = meanLevelDb(frames, i, i + blockFrames);
    vectors.set(vectoriser.vectorise(chroma, mfcc, level), i * size);
    silent[i] = level < SILENT_BLOCK_DB ? 1 : 0;
  }
  return {
    count,
    blockFrames,
    stride: Math.max(1, Math.round(blockFrames / 4)),
    frameSeconds: frames.hop / frames.sampleRate,
    size,
    vectors,
    silent,
  };
}

function meanLevelDb(frames: FrameFeatures, from: number, to: number): number {
  let power = 0;
  let n = 0;
  for (let f = Math.max(0, from); f < Math.min(frames.frameCount, to); f++, n++) power += 10 ** (frames.levelDb[f]! / 10);
  return power > 0 ? 10 * Math.log10(power / n) : -120;
}

/** Largest flux within ±1 frame. */
function fluxAround(flux: Float32Array, frame: number): number {
  let peak = 0;
  for (let f = frame - 1; f <= frame + 1; f++) peak = Math.max(peak, flux[f] ?? 0);
  return peak;
}

function seamFluxZScores(
  originalFrames: FrameFeatures,
  originalBeats: BeatAnalysis,
  factor: number,
  window: FrameGrid,
  seamFrames: readonly number[],
): number[] {
  const reference = originalBeats.beats
    .filter((b) => b >= originalBeats.soundStart && b < originalBeats.soundEnd)
    .map((b) => fluxAround(originalFrames.flux, Math.round((b / factor - originalFrames.frameSize / 2) / originalFrames.hop)));
  if (reference.length < 2) return [];
  const mean = reference.reduce((s, v) => s + v, 0) / reference.length;
  const sd = Math.sqrt(reference.reduce((s, v) => s + (v - mean) ** 2, 0) / reference.length) || 1e-9;
  return seamFrames.map((f) => (fluxAround(window.flux, f) - mean) / sd);
}

/** Short-term loudness of the 3 s after minus the 3 s before, LU. */
function loudnessChangeAt(audio: PcmAudio, at: number): number {
  const span = Math.round(3 * audio.sampleRate);
  const length = frameCount(audio);
  if (at - span < 0 || at + span > length) return NaN;
  const slice = (from: number) => ({ sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.subarray(from, from + span)) });
  const before = shortTermLufs(slice(at - span), 3)[0] ?? -Infinity;
  const after = shortTermLufs(slice(at), 3)[0] ?? -Infinity;
  // Silence on one side is a huge change, not an unmeasurable one: floor at -70 LUFS (the R128 absolute gate).
  return Math.max(-70, after) - Math.max(-70, before);
}

/**
 * Beat phase (comb filter over the onset envelope with the original's period) in the 4 s before and after the
 * seam, both measured on the same absolute frame grid: the circular difference as a fraction of a beat.
 * `envelope` is detrendedEnvelope(frames.flux).
 */
/** Onset-envelope frames on either side of a seam that the beat-phase reading ignores. */
const SEAM_GUARD_FRAMES = 2;

function beatPhaseShift(frames: FrameGrid, envelope: Float32Array, seamFrame: number, periodFrames: number): number | null {
  const framesPerSecond = frames.sampleRate / frames.hop;
  const span = Math.round(4 * framesPerSecond);
  if (seamFrame - span < 0 || seamFrame + span > frames.frameCount || !(periodFrames > 1)) return null;
  const phase = (from: number, to: number): number => {
    let best = 0;
    let bestSum = -1;
    const steps = Math.ceil(periodFrames);
    for (let s = 0; s < steps; s++) {
      const offset = (s / steps) * periodFrames;
      let sum = 0;
      const firstK = Math.ceil((from - offset) / periodFrames);
      for (let k = firstK; offset + k * periodFrames < to; k++) sum += envelope[Math.round(offset + k * periodFrames)] ?? 0;
      if (sum > bestSum) {
        bestSum = sum;
        best = offset;
      }
    }
    return best / periodFrames;
  };
  // The frames at the seam are left out: a join's own transient sits there and would set both phases,
  // making any hard cut read as "in phase".
  const difference = Math.abs(
    phase(seamFrame + SEAM_GUARD_FRAMES, seamFrame + span) - phase(seamFrame - span, seamFrame - SEAM_GUARD_FRAMES),
  );
  return Math.min(difference, 1 - difference);
}

/** Fréchet distance of diagonal Gaussians over MFCC 1..12 (c0 is loudness, measured elsewhere). */
function mfccFrechetDistance(frames: FrameFeatures, from: number, to: number, reference: FrameFeatures): number {
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
      for (let d = 1; d < MFCC_COEFFICIENTS; d++) variance[d]! += (f.mfcc[i * MFCC_COEFFICIENTS + d]! - mean[d]!) ** 2 / n;
    }
    return { mean, variance };
  };
  const x = stats(frames, from, to);
  const y = stats(reference, 0, reference.frameCount);
  if (!x || !y) return Infinity;
  let distance = 0;
  for (let d = 1; d < MFCC_COEFFICIENTS; d++) {
    distance += (x.mean[d]! - y.mean[d]!) ** 2 + x.variance[d]! + y.variance[d]! - 2 * Math.sqrt(x.variance[d]! * y.variance[d]!);
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

function chromaCosine(frames: FrameFeatures, from: number, reference: FrameFeatures): number {
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

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

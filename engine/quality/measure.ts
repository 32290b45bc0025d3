import { integratedLufs, shortTermLufs } from "../audio/loudness.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { analyseBeatsFromFrames, type BeatAnalysis } from "../remix/beats.ts";
import { CHROMA_BINS, MFCC_COEFFICIENTS, frameFeatures, meanOverFrames, type FrameFeatures } from "../remix/features.ts";
import { createBeatVectoriser, type BeatVectoriser } from "../remix/jump-graph.ts";
import { analysisSignal } from "../remix/signal.ts";
import { detrendedEnvelope } from "../remix/tempo-fallback.ts";
import { countClicks } from "./clicks.ts";
import { shortestLoopSeconds, verbatimFraction, type SlidingBlocks } from "./loops.ts";
import type { QualityReport } from "./report.ts";

export interface ExtensionToMeasure {
  readonly original: PcmAudio;
  /** Starts with the original; the rest is the extension. */
  readonly result: PcmAudio;
  /** Join points in the result, seconds. */
  readonly seams: readonly number[];
}

/** Context kept before the extension so that seams at its start have a "before". */
const LEAD_SECONDS = 4;
const SILENT_BLOCK_DB = -60;

/** Measures how well an extension matches its original and hides its seams (see QualityReport). */
export async function measureExtension(input: ExtensionToMeasure): Promise<QualityReport> {
  const { original, result } = input;
  const sampleRate = original.sampleRate;
  const originalLength = frameCount(original);
  const resultLength = frameCount(result);
  const extensionLength = Math.max(0, resultLength - originalLength);
  const seams = input.seams.filter((s) => s * sampleRate >= 0 && s * sampleRate < resultLength);

  const originalSignal = analysisSignal(original);
  const originalFrames = frameFeatures(originalSignal.samples, originalSignal.sampleRate);
  const originalBeats = analyseBeatsFromFrames(sampleRate, originalLength, originalSignal.samples, originalFrames, originalSignal.factor);
  const vectoriser = createBeatVectoriser(originalBeats);
  const beatFrames = originalBeats.beatSamples / originalSignal.factor / originalFrames.hop;
  const blockFrames = Math.max(2, Math.round(beatFrames));
  const originalBlocks = slidingBlocks(originalFrames, blockFrames, vectoriser);
  const originalLoop = shortestLoopSeconds(originalBlocks);

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
    originalShortestLoopSeconds: originalLoop,
    verbatimFraction: null,
    originalTempoBpm: originalBeats.tempoBpm,
    extensionTempoBpm: null,
  };
  if (extensionLength < sampleRate) return empty;

  // The extension with LEAD_SECONDS of the result before it, analysed like the original.
  const leadSamples = Math.min(originalLength, Math.round(LEAD_SECONDS * sampleRate));
  const windowStart = originalLength - leadSamples;
  const windowed: PcmAudio = { sampleRate, channels: result.channels.map((c) => c.subarray(windowStart)) };
  const windowSignal = analysisSignal(windowed);
  const windowFrames = frameFeatures(windowSignal.samples, windowSignal.sampleRate);
  const toWindowFrame = (resultSample: number) =>
    Math.round(((resultSample - windowStart) / windowSignal.factor - windowFrames.frameSize / 2) / windowFrames.hop);
  const extensionFirstFrame = Math.max(0, toWindowFrame(originalLength));

  const extensionOnly: PcmAudio = { sampleRate, channels: result.channels.map((c) => c.subarray(originalLength)) };
  const extensionSignal = analysisSignal(extensionOnly);
  const extensionFrames = frameFeatures(extensionSignal.samples, extensionSignal.sampleRate);
  const extensionBeats = analyseBeatsFromFrames(sampleRate, extensionLength, extensionSignal.samples, extensionFrames, extensionSignal.factor);

  const extensionBlocks = slidingBlocks(extensionFrames, blockFrames, vectoriser);
  const silentExtension = !Number.isFinite(integratedLufs(extensionOnly));
  const seamSamples = seams.map((s) => Math.round(s * sampleRate));

  return {
    ...empty,
    extensionSeconds: extensionLength / sampleRate,
    clicksAtSeams: countClicks(result.channels, sampleRate, seams),
    seamFluxZ: median(seamFluxZScores(originalFrames, originalBeats, originalSignal.factor, windowFrames, seamSamples.map(toWindowFrame))),
    seamLoudnessChangeLu: median(seamSamples.map((p) => loudnessChangeAt(result, p)).filter(Number.isFinite).map(Math.abs)),
    integratedLoudnessDifferenceLu: finiteOrNull(integratedLufs(extensionOnly) - integratedLufs(original)),
    tempoDifferencePercent: silentExtension
      ? null
      : (100 * Math.abs(extensionBeats.tempoBpm - originalBeats.tempoBpm)) / originalBeats.tempoBpm,
    beatPhaseErrorAtSeams: silentExtension ? null : median(
      seamSamples.map((p) => beatPhaseShift(windowFrames, toWindowFrame(p), beatFrames)).filter((e) => e !== null),
    ),
    timbreDistance: mfccFrechetDistance(
      extensionFrames,
      0,
      extensionFrames.frameCount,
      originalFrames,
    ),
    harmonySimilarity: chromaCosine(windowFrames, extensionFirstFrame, originalFrames),
    shortestLoopSeconds: shortestLoopSeconds(extensionBlocks),
    verbatimFraction: verbatimFraction(extensionBlocks, originalBlocks),
    extensionTempoBpm: silentExtension ? null : extensionBeats.tempoBpm,
  };
}

/** Block vectors at every frame offset, from running sums (the loop detector needs frame-resolution lags). */
function slidingBlocks(frames: FrameFeatures, blockFrames: number, vectoriser: BeatVectoriser): SlidingBlocks {
  const count = Math.max(0, frames.frameCount - blockFrames + 1);
  const vectors: Float32Array[] = [];
  const silent: boolean[] = [];
  const chroma = new Float32Array(CHROMA_BINS);
  const mfcc = new Float32Array(MFCC_COEFFICIENTS);
  for (let i = 0; i < count; i++) {
    meanOverFrames(frames.chroma, CHROMA_BINS, i, i + blockFrames, chroma);
    meanOverFrames(frames.mfcc, MFCC_COEFFICIENTS, i, i + blockFrames, mfcc);
    const level = meanLevelDb(frames, i, i + blockFrames);
    vectors.push(vectoriser.vectorise(chroma, mfcc, level));
    silent.push(level < SILENT_BLOCK_DB);
  }
  return {
    count,
    blockFrames,
    stride: Math.max(1, Math.round(blockFrames / 4)),
    frameSeconds: frames.hop / frames.sampleRate,
    at: (i) => vectors[i]!,
    silent: (i) => silent[i] ?? true,
  };
}

function meanLevelDb(frames: FrameFeatures, from: number, to: number): number {
  let power = 0;
  let n = 0;
  for (let f = Math.max(0, from); f < Math.min(frames.frameCount, to); f++, n++) power += 10 ** (frames.levelDb[f]! / 10);
  return power > 0 ? 10 * Math.log10(power / n) : -120;
}

/** Largest flux within ±1 frame. */
function fluxAround(frames: FrameFeatures, frame: number): number {
  let peak = 0;
  for (let f = frame - 1; f <= frame + 1; f++) peak = Math.max(peak, frames.flux[f] ?? 0);
  return peak;
}

function seamFluxZScores(
  originalFrames: FrameFeatures,
  originalBeats: BeatAnalysis,
  factor: number,
  windowFrames: FrameFeatures,
  seamFrames: readonly number[],
): number[] {
  const reference = originalBeats.beats
    .filter((b) => b >= originalBeats.soundStart && b < originalBeats.soundEnd)
    .map((b) => fluxAround(originalFrames, Math.round((b / factor - originalFrames.frameSize / 2) / originalFrames.hop)));
  if (reference.length < 2) return [];
  const mean = reference.reduce((s, v) => s + v, 0) / reference.length;
  const sd = Math.sqrt(reference.reduce((s, v) => s + (v - mean) ** 2, 0) / reference.length) || 1e-9;
  return seamFrames.map((f) => (fluxAround(windowFrames, f) - mean) / sd);
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
 */
function beatPhaseShift(frames: FrameFeatures, seamFrame: number, periodFrames: number): number | null {
  const framesPerSecond = frames.sampleRate / frames.hop;
  const span = Math.round(4 * framesPerSecond);
  if (seamFrame - span < 0 || seamFrame + span > frames.frameCount || !(periodFrames > 1)) return null;
  const envelope = detrendedEnvelope(frames.flux, framesPerSecond);
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
  const difference = Math.abs(phase(seamFrame, seamFrame + span) - phase(seamFrame - span, seamFrame));
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

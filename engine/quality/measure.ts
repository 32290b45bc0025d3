import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { analyseBeatsFromFrames, type BeatAnalysis, type SignalAnalysis } from "../analysis/beats.ts";
import { CHROMA_BINS, MFCC_COEFFICIENTS, meanOverFrames, type FrameFeatures } from "../analysis/features.ts";
import { BEAT_VECTOR_SIZE, createBeatVectoriser, type BeatVectoriser } from "../analysis/beat-vectors.ts";
import { analysisSignal, type AnalysisSignal } from "../analysis/signal.ts";
import { detrendedEnvelope } from "../analysis/tempo-fallback.ts";
import { countClicks } from "./clicks.ts";
import { fluxInRanges, frameFeatures } from "../analysis/features.ts";
import { integratedLoudness } from "./loudness.ts";
import { shortestLoopSeconds, verbatimFraction, type SlidingBlocks } from "./loops.ts";
import { measureForm, type FormMetrics } from "./form.ts";
import type { QualityReport } from "./report.ts";
import { beatPhaseShift, loudnessChangeAt, seamFluxZScores, type FrameGrid } from "./seams.ts";
import { chromaCosine, mfccFrechetDistance, SILENT_BLOCK_DB } from "./timbre.ts";

export interface ExtensionToMeasure {
  readonly original: PcmAudio;
  /** Starts with the original's opening (the whole original, or in song form its intro); the rest is measured. */
  readonly result: PcmAudio;
  /** Join points in the result, seconds. */
  readonly seams: readonly number[];
  /**
   * Where the kept opening ends in the result, seconds (the engine's ExtendResult.introSeconds). Timbre, harmony,
   * tempo, loops, verbatim fraction and integrated loudness are measured on the result after it, and verbatim runs
   * are counted after it. Default: the original's length (the result starts with the whole original).
   */
  readonly introSeconds?: number;
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

/** Analyses the original once: features, beats (both taken from `shared` when the engine made them), one-beat blocks, its own loops, loudness. */
export function analyseOriginal(
  original: PcmAudio,
  timings?: Record<string, number>,
  shared?: SignalAnalysis,
): OriginalAnalysis {
  const time = stageTimer(timings);
  const sampleRate = original.sampleRate;
  const signal = shared?.signal ?? time("original: signal + features", () => analysisSignal(original));
  const frames =
    shared?.frames ?? time("original: signal + features", () => frameFeatures(signal.samples, signal.sampleRate));
  const beats =
    shared?.beats ??
    time("original: beats", () =>
      analyseBeatsFromFrames(sampleRate, frameCount(original), signal.samples, frames, signal.factor),
    );
  const vectoriser = createBeatVectoriser(beats);
  const beatFrames = beats.beatSamples / signal.factor / frames.hop;
  const blockFrames = Math.max(2, Math.round(beatFrames));
  const blocks = time("original: blocks + loops", () => slidingBlocks(frames, blockFrames, vectoriser));
  const loop = time("original: blocks + loops", () => shortestLoopSeconds(blocks));
  const lufs = time("original: loudness", () => integratedLoudness(original));
  return {
    audio: original,
    signal,
    frames,
    beats,
    vectoriser,
    beatFrames,
    blockFrames,
    blocks,
    shortestLoopSeconds: loop,
    integratedLufs: lufs,
  };
}

/**
 * Measures how well an extension matches its original and hides its seams, and its form (see QualityReport). The
 * original is analysed once (or taken from options.originalAnalysis) and the result after introSeconds once; the
 * seam metrics that need the frame grid of the 4 s before that compute that grid only around the seams.
 */
export async function measureExtension(
  input: ExtensionToMeasure,
  options: MeasureOptions = {},
): Promise<QualityReport> {
  const time = stageTimer(options.timings);
  const { original, result } = input;
  const reference =
    options.originalAnalysis?.audio === original
      ? options.originalAnalysis
      : analyseOriginal(original, options.timings);
  const form = time("form", () => measureForm(original, result, { introSeconds: input.introSeconds }));
  return { ...measureAfterIntro(input, reference, time), ...form };
}

type StageTimer = ReturnType<typeof stageTimer>;
/** Every metric but the form ones. */
type SignalMetrics = Omit<QualityReport, keyof FormMetrics>;

/** The seams, and the result after introSeconds against the original. */
function measureAfterIntro(input: ExtensionToMeasure, reference: OriginalAnalysis, time: StageTimer): SignalMetrics {
  const { original, result } = input;
  const sampleRate = original.sampleRate;
  const originalLength = frameCount(original);
  const resultLength = frameCount(result);
  const extensionLength = Math.max(0, resultLength - originalLength);
  // Where the measured part starts: the result may keep only the input's intro before re-sequencing it.
  const boundary = Math.min(
    resultLength,
    Math.max(0, Math.round((input.introSeconds ?? originalLength / sampleRate) * sampleRate)),
  );
  const measuredLength = resultLength - boundary;
  const seams = input.seams.filter((s) => s * sampleRate >= 0 && s * sampleRate < resultLength);
  const { frames: originalFrames, beats: originalBeats, beatFrames } = reference;

  const empty = emptyMetrics(seams.length, reference);
  if (extensionLength < sampleRate || measuredLength < sampleRate) return empty;

  // The measured part with LEAD_SECONDS of the result before it ("window"), on its own frame grid, for the seams.
  const leadSamples = Math.min(boundary, Math.round(LEAD_SECONDS * sampleRate));
  const windowStart = boundary - leadSamples;
  const { windowSignal, extensionSignal } = time("extension: signal", () => {
    const windowSignal = analysisSignal({ sampleRate, channels: result.channels.map((c) => c.subarray(windowStart)) });
    // The same decimated samples when the lead is whole analysis samples (always at 44.1 and 48 kHz).
    const extensionSignal =
      leadSamples % windowSignal.factor === 0
        ? { ...windowSignal, samples: windowSignal.samples.subarray(leadSamples / windowSignal.factor) }
        : analysisSignal({ sampleRate, channels: result.channels.map((c) => c.subarray(boundary)) });
    return { windowSignal, extensionSignal };
  });
  const hop = originalFrames.hop;
  const frameSize = originalFrames.frameSize;
  const toWindowFrame = (resultSample: number) =>
    Math.round(((resultSample - windowStart) / windowSignal.factor - frameSize / 2) / hop);

  const extensionOnly: PcmAudio = { sampleRate, channels: result.channels.map((c) => c.subarray(boundary)) };
  const extensionFrames = time("extension: features", () =>
    frameFeatures(extensionSignal.samples, extensionSignal.sampleRate),
  );
  const extensionBeats = time("extension: beats", () =>
    analyseBeatsFromFrames(
      sampleRate,
      measuredLength,
      extensionSignal.samples,
      extensionFrames,
      extensionSignal.factor,
    ),
  );
  const extensionLufs = time("loudness", () => integratedLoudness(extensionOnly));
  const silentExtension = !Number.isFinite(extensionLufs);
  const seamSamples = seams.map((s) => Math.round(s * sampleRate));
  const seamFrames = seamSamples.map(toWindowFrame);

  const framesPerSecond = windowSignal.sampleRate / hop;
  const phaseSpan = Math.round(4 * framesPerSecond);
  const windowFlux = time("window: flux around seams", () => {
    const margin = phaseSpan + Math.floor(Math.max(3, Math.round(framesPerSecond)) / 2) + 2;
    return fluxInRanges(
      windowSignal.samples,
      seamFrames.map((f) => [f - margin, f + margin] as const),
    );
  });
  const windowGrid: FrameGrid = {
    sampleRate: windowSignal.sampleRate,
    hop,
    frameCount: windowFlux.length,
    flux: windowFlux,
  };

  const extensionBlocks = time("extension: blocks", () =>
    slidingBlocks(extensionFrames, reference.blockFrames, reference.vectoriser),
  );
  return {
    ...empty,
    extensionSeconds: extensionLength / sampleRate,
    clicksAtSeams: time("clicks", () => countClicks(result.channels, sampleRate, seams)),
    seamFluxZ: median(seamFluxZScores(originalFrames, originalBeats, reference.signal.factor, windowGrid, seamFrames)),
    seamLoudnessChangeLu: time("seam loudness", () =>
      median(
        seamSamples
          .map((p) => loudnessChangeAt(result, p))
          .filter(Number.isFinite)
          .map(Math.abs),
      ),
    ),
    integratedLoudnessDifferenceLu: finiteOrNull(extensionLufs - reference.integratedLufs),
    tempoDifferencePercent: silentExtension
      ? null
      : (100 * Math.abs(extensionBeats.tempoBpm - originalBeats.tempoBpm)) / originalBeats.tempoBpm,
    beatPhaseErrorAtSeams: silentExtension
      ? null
      : time("beat phase", () => {
          const envelope = detrendedEnvelope(windowGrid.flux, framesPerSecond);
          return median(
            seamFrames.map((f) => beatPhaseShift(windowGrid, envelope, f, beatFrames)).filter((e) => e !== null),
          );
        }),
    timbreDistance: time("timbre + harmony", () =>
      mfccFrechetDistance(extensionFrames, 0, extensionFrames.frameCount, originalFrames),
    ),
    harmonySimilarity: time("timbre + harmony", () => chromaCosine(extensionFrames, 0, originalFrames)),
    shortestLoopSeconds: time("extension: loops", () => shortestLoopSeconds(extensionBlocks)),
    verbatimFraction: time("verbatim", () => verbatimFraction(extensionBlocks, reference.blocks)),
    extensionTempoBpm: silentExtension ? null : extensionBeats.tempoBpm,
  };
}

/** The report when there is nothing after the intro to measure: only the seam count and the original's own figures. */
function emptyMetrics(seamCount: number, reference: OriginalAnalysis): SignalMetrics {
  return {
    extensionSeconds: 0,
    seamCount,
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
    originalTempoBpm: reference.beats.tempoBpm,
    extensionTempoBpm: null,
  };
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
  for (let f = Math.max(0, from); f < Math.min(frames.frameCount, to); f++, n++)
    power += 10 ** (frames.levelDb[f]! / 10);
  return power > 0 ? 10 * Math.log10(power / n) : -120;
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

import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { analyseBeatsFromFrames, type BeatAnalysis, type SignalAnalysis } from "../analysis/beats.ts";
import { frameFeatures, type FrameFeatures } from "../analysis/features.ts";
import { createBeatVectoriser, type BeatVectoriser } from "../analysis/beat-vectors.ts";
import { analysisSignal, type AnalysisSignal } from "../analysis/signal.ts";
import { blockPlace, copySegments, coveredShare, type CopySegment, placedSegments } from "./copy-map.ts";
import {
  analyseExtensionDirect,
  analyseExtensionMapped,
  DIRECT_STAGES,
  MAPPED_STAGES,
  mappedLoudness,
  mappedTempoBpm,
  stageTimer,
  timedSteps,
  type ExtensionAnalysis,
  type Timed,
} from "./extension-analysis.ts";
import { formSteps, resultCopySteps, type FormMetrics } from "./form.ts";
import { shortestLoopSeconds, slidingBlocks, type SlidingBlocks } from "./loops.ts";
import { FRAME_FIGURE_STAGES, frameFigures } from "./frame-figures.ts";
import type { FoundCopies } from "./copies.ts";
import type { QualityReport } from "./report.ts";
import { median, type SeamMetrics } from "./seams.ts";
import {
  type ExtensionToMeasure,
  measuredSpan,
  resultSeamSteps,
  NO_SEAM_METRICS,
  seamReferenceOf,
  type MeasuredSpan,
} from "./span.ts";
import { sampleSource, type SampleSource } from "./sample-source.ts";
import { finish, finishYielding, type Steps } from "./steps.ts";

export type { ExtensionToMeasure };

/**
 * How the extension's features, tempo and loudness are obtained (the seams are always measured on the result's own
 * samples, and the form metrics on all of it):
 * - "mapped": where the extension is a sample-exact copy of the input (found by the form metrics' anchors), the
 *   input's analysis is read at the copied place instead of analysing the same audio again; the rest is analysed
 *   directly. Falls back to "direct" when copies cover less than MIN_MAPPED_SHARE of the extension, but for the
 *   tempo, read from the copied beats while they are enough (see analyseExtension).
 * - "direct": the whole extension is analysed (beat tracker, frame features, loudness): 5-10x slower.
 */
export type MeasurePath = "mapped" | "direct";

/** Below this share of the extension copied from the input, the mapped path would analyse most of it anyway. */
export const MIN_MAPPED_SHARE = 0.9;

export interface MeasureOptions {
  /** analyseOriginal(original) made earlier: measuring several extensions of one song analyses it once. */
  readonly originalAnalysis?: OriginalAnalysis;
  /** The engine's analysis of the original (analyseSignal), when there is one: not computed again. */
  readonly signalAnalysis?: SignalAnalysis;
  /** Default "mapped". */
  readonly path?: MeasurePath;
  /** Filled with the milliseconds each stage took (for benchmarks). */
  readonly timings?: Record<string, number>;
  /** After each stage: stages done, and how many this measurement runs (see measureStages). */
  readonly onProgress?: (done: number, total: number) => void;
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

/** The stages of analyseOriginal; the first two are skipped when the engine's analysis is shared. */
const ORIGINAL_STAGES = [
  "original: signal + features",
  "original: beats",
  "original: blocks",
  "original: loops",
  "original: loudness",
] as const;
const SHARED_STAGES = 2;
/** The stages of measureExtension after the original's, in order; the extension's three depend on the path. */
const EXTENSION_STAGES = { mapped: MAPPED_STAGES, direct: DIRECT_STAGES } as const;
const BODY_STAGES = FRAME_FIGURE_STAGES;
const SEAM_STAGES = ["window: flux around seams", "seam loudness", "beat phase", "clicks"] as const;

/** The stage names a measurement times, in order (its progress counts these). */
export function measureStages(options: Pick<MeasureOptions, "originalAnalysis" | "signalAnalysis" | "path">): string[] {
  const original = options.originalAnalysis ? [] : ORIGINAL_STAGES.slice(options.signalAnalysis ? SHARED_STAGES : 0);
  return [...original, "form", ...EXTENSION_STAGES[options.path ?? "mapped"], ...BODY_STAGES, ...SEAM_STAGES];
}

/** Analyses the original once: features and beats (taken from `shared` when the engine made them), one-beat blocks, its own loops, loudness. */
export function analyseOriginal(
  original: PcmAudio,
  shared?: SignalAnalysis,
  timed: Timed = (_, s) => s(),
): OriginalAnalysis {
  return finish(originalSteps(original, shared, timed));
}

/** analyseOriginal in steps (steps.ts): one per stage. */
function* originalSteps(original: PcmAudio, shared: SignalAnalysis | undefined, timed: Timed): Steps<OriginalAnalysis> {
  const { signal, frames } =
    shared ??
    timed(ORIGINAL_STAGES[0], () => {
      const signal = analysisSignal(original);
      return { signal, frames: frameFeatures(signal.samples, signal.sampleRate) };
    });
  const beats =
    shared?.beats ??
    timed(ORIGINAL_STAGES[1], () =>
      analyseBeatsFromFrames(original.sampleRate, frameCount(original), signal.samples, frames, signal.factor),
    );
  const vectoriser = createBeatVectoriser(beats);
  const { beatFrames } = seamReferenceOf({ signal, frames, beats });
  const blockFrames = Math.max(2, Math.round(beatFrames));
  yield;
  const blocks = timed(ORIGINAL_STAGES[2], () => slidingBlocks(frames, blockFrames, vectoriser));
  yield;
  const loop = timed(ORIGINAL_STAGES[3], () => shortestLoopSeconds(blocks));
  yield;
  // Read window by window: the same figure as gatedLoudness(kWeightedPower(original)), without a float per sample
  // held (the mapped path makes the power again while it needs it).
  const integratedLufs = yield* timedSteps(
    timed,
    ORIGINAL_STAGES[4],
    mappedLoudness(undefined, sampleSource(original), 0, []),
  );
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
    integratedLufs,
  };
}

/**
 * Measures how well an extension matches its original and hides its seams, and its form (see QualityReport and
 * MeasurePath). The original is analysed once (or taken from options.originalAnalysis). The event loop gets a turn
 * about every 200 ms while the result is measured (steps.ts), so that a stop signal is handled at once.
 */
export function measureExtension(input: ExtensionToMeasure, options: MeasureOptions = {}): Promise<QualityReport> {
  return finishYielding(measureSteps(input, options));
}

function* measureSteps(input: ExtensionToMeasure, options: MeasureOptions): Steps<QualityReport> {
  const stages = measureStages(options);
  const timed = stageTimer(stages, options);
  const reference =
    options.originalAnalysis?.audio === input.original
      ? options.originalAnalysis
      : yield* originalSteps(input.original, options.signalAnalysis, timed);
  // One source for every reader of the result: a stream's kept windows serve them all.
  const measured = { ...input, result: sampleSource(input.result) };
  const { form, copies } = yield* timedSteps(timed, "form", formAndCopies(measured));
  const span = measuredSpan(measured);
  if (!span.measurable) {
    options.onProgress?.(stages.length, stages.length);
    return { ...emptyMetrics(span.seams.length, reference), ...form };
  }
  const body = yield* measureBody(measured, span, reference, copies, { path: options.path ?? "mapped", timed });
  const seams = yield* resultSeamSteps(measured, seamReferenceOf(reference), timed);
  options.onProgress?.(stages.length, stages.length);
  // No beat phase in silence.
  const beatPhaseErrorAtSeams = body.extensionTempoBpm === null ? null : seams.beatPhaseErrorAtSeams;
  return { ...body, ...seams, beatPhaseErrorAtSeams, ...form };
}

/** Every metric but the form ones. */
type SignalMetrics = Omit<QualityReport, keyof FormMetrics>;

/** The result after introSeconds against the original: every metric but the form and the seam ones. */
function* measureBody(
  input: ExtensionToMeasure & { readonly result: SampleSource },
  span: MeasuredSpan,
  reference: OriginalAnalysis,
  copies: FoundCopies,
  settings: { readonly path: MeasurePath; readonly timed: Timed },
): Steps<Omit<SignalMetrics, keyof SeamMetrics>> {
  const { original, result } = input;
  const { timed } = settings;
  const { boundary, extensionLength } = span;
  const sampleRate = original.sampleRate;
  const empty = emptyMetrics(span.seams.length, reference);
  const segments = copySegments(copies, boundary, result.length);
  const placed =
    input.seamSources &&
    placedSegments(input.seams, input.seamSources, {
      boundary,
      end: result.length,
      sampleRate,
      inputLength: frameCount(original),
    });
  const extension = yield* analyseExtension(reference, result, boundary, { segments, placed }, settings);
  const silent = !Number.isFinite(extension.integratedLufs);
  const { rows } = extension.frames;
  const originalTempo = reference.beats.tempoBpm;
  const place = blockPlace(reference.blockFrames, segments, placed ?? [], {
    boundary,
    hopSamples: rows.hop * reference.signal.factor,
    frameSamples: rows.frameSize * reference.signal.factor,
  });
  return {
    ...empty,
    extensionSeconds: extensionLength / sampleRate,
    integratedLoudnessDifferenceLu: finiteOrNull(extension.integratedLufs - reference.integratedLufs),
    tempoDifferencePercent: silent ? null : (100 * Math.abs(extension.tempoBpm - originalTempo)) / originalTempo,
    ...(yield* frameFigures(extension.frames, reference, place, timed)),
    extensionTempoBpm: silent ? null : extension.tempoBpm,
  };
}

/** The form metrics, and the copies of the input they found (the scans and anchors are not kept). */
function* formAndCopies(measured: ExtensionToMeasure & { readonly result: SampleSource }) {
  const { original, result, introSeconds } = measured;
  const found = yield* resultCopySteps(original, result);
  return { form: yield* formSteps(original, result, { introSeconds }, found), copies: found.copies };
}

/** The extension's frames, tempo and loudness by the path asked for (mapped falls back to direct, see MeasurePath). */
function* analyseExtension(
  reference: OriginalAnalysis,
  result: SampleSource,
  boundary: number,
  { segments, placed }: { readonly segments: readonly CopySegment[]; readonly placed?: readonly CopySegment[] },
  settings: { readonly path: MeasurePath; readonly timed: Timed },
): Steps<ExtensionAnalysis> {
  const end = result.length;
  if (settings.path === "direct") return yield* analyseExtensionDirect(result, boundary, settings.timed);
  const mapped =
    coveredShare(segments, boundary, end) >= MIN_MAPPED_SHARE
      ? yield* analyseExtensionMapped(reference, result, boundary, segments, settings.timed)
      : undefined;
  // Too little is copied sample for sample to map the frames (phrases whose level is ridden across a join are the
  // input's beats at another gain): the samples are analysed, but the tempo is still read from the input's beats where
  // the copies carry enough of them. The beat tracker's own reading of an extension wanders, by 13 % and more on
  // unchanged audio, and a change of level moves no beat. Where the copies are too short for that (a 10 s extension
  // ridden in level: a song without a clear beat read 62 % off), the engine's own account of what it placed is read.
  const copied = mappedTempoBpm(reference.beats, segments) ?? (placed && mappedTempoBpm(reference.beats, placed));
  return mapped ?? (yield* analyseExtensionDirect(result, boundary, settings.timed, copied));
}

/** The report when there is nothing after the intro to measure: only the seam count and the original's own figures. */
function emptyMetrics(seamCount: number, reference: OriginalAnalysis): SignalMetrics {
  return {
    ...NO_SEAM_METRICS,
    extensionSeconds: 0,
    seamCount,
    integratedLoudnessDifferenceLu: null,
    tempoDifferencePercent: null,
    timbreDistance: null,
    harmonySimilarity: null,
    shortestLoopSeconds: 0,
    originalShortestLoopSeconds: reference.shortestLoopSeconds,
    verbatimFraction: null,
    originalTempoBpm: reference.beats.tempoBpm,
    extensionTempoBpm: null,
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export { median };

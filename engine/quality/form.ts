import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { findAnchors } from "./anchors.ts";
import { scanBlocks, type BlockScan } from "./blocks.ts";
import { coveragePercent } from "./coverage.ts";
import { copyBackedSource, copySegments } from "./copy-map.ts";
import {
  copyRunFinder,
  feedAnchors,
  longestRunAfter,
  offsetsCopying,
  selfCopyFinder,
  type AnchoredAudio,
  type FoundCopies,
} from "./copies.ts";
import type { QualityReport } from "./report.ts";
import { recentSpans, scanResult } from "./result-scan.ts";
import { sampleSource, type MeasuredAudio, type SampleSource } from "./sample-source.ts";
import { finish, type Steps } from "./steps.ts";
import {
  blockLevelsDb,
  longestInternalSilenceSeconds,
  type SilenceSummary,
  silenceSummary,
  silenceThresholdDb,
  soundSpan,
  type SoundSpan,
} from "./silence.ts";

// Form and variety: does the result extend the song, or replay it? Measured from sample-exact copies (the engines
// copy input samples verbatim; crossfades and fades are seams and belong to no copy) and from silent blocks.

/** The form metrics of a QualityReport (documented there: unit, direction, target). */
export type FormMetrics = Pick<
  QualityReport,
  | "longestVerbatimRunSeconds"
  | "longestRepeatedStretchSeconds"
  | "originalLongestRepeatedStretchSeconds"
  | "introReplays"
  | "endsWithInputEnding"
  | "longestInternalSilenceSeconds"
  | "originalLongestInternalSilenceSeconds"
  | "coveragePercent"
  | "originalSeconds"
  | "resultSeconds"
>;

export interface FormOptions {
  /** Where the kept opening ends in the result, seconds; verbatim runs count only after it. Default: the input's length. */
  readonly introSeconds?: number;
}

/** Two occurrences of a repeated stretch must start at least this far apart (seconds). */
const MIN_REPEAT_OFFSET_SECONDS = 1;
/** The input's opening: this many seconds from its first sound, or a third of its sounding length if less. */
const OPENING_SECONDS = 8;
/** A replay of the opening must copy at least this share of it in one piece (a da capo's fade-in leaves the rest exact). */
const OPENING_SHARE = 0.5;
/** The input's ending: this many seconds up to its last sound, or a third of its sounding length if less. */
const ENDING_SECONDS = 4;
/** The ending counts when this share of it is copied in one piece (a seam may fall in its first second)... */
const ENDING_SHARE = 0.75;
/** ...and its last sound lands within this many seconds of the result's last sound (trailing silence, padding). */
const ENDING_TOLERANCE_SECONDS = 1.5;

/**
 * What the form metrics read from an extension, found once and read by them and by measure.ts: the input's scan, its
 * silence threshold (which judges the result too), its anchors, both signals' silence, and the result-to-input
 * copies. The result is read in one pass that keeps nothing per block or anchor (result-scan.ts).
 */
export interface ResultCopies {
  readonly originalScan: BlockScan;
  readonly thresholdDb: number;
  readonly originalSilence: SilenceSummary;
  readonly resultSilence: SilenceSummary;
  readonly input: AnchoredAudio;
  readonly result: SampleSource;
  /** Where the result copies the input, sample for sample. */
  readonly copies: FoundCopies;
}

export function findResultCopies(original: PcmAudio, result: MeasuredAudio): ResultCopies {
  return finish(resultCopySteps(original, result));
}

/** findResultCopies in steps (steps.ts). */
export function* resultCopySteps(original: PcmAudio, result: MeasuredAudio): Steps<ResultCopies> {
  const inputSource = sampleSource(original);
  const resultSource = sampleSource(result);
  const originalScan = yield* scanBlocks(inputSource);
  const originalLevels = blockLevelsDb(originalScan);
  const thresholdDb = silenceThresholdDb(originalLevels);
  const input: AnchoredAudio = { source: inputSource, anchors: yield* findAnchors(inputSource, originalScan) };
  const pass = recentSpans(resultSource);
  const search = copyRunFinder(pass.near, input);
  const resultSilence = yield* scanResult(pass, search.add, thresholdDb);
  return {
    originalScan,
    thresholdDb,
    originalSilence: silenceSummary(originalScan, originalLevels, thresholdDb),
    resultSilence,
    input,
    result: resultSource,
    copies: search.done(),
  };
}

/**
 * Form metrics of an extension (see FormMetrics). Linear time: one pass over the samples of each signal (blocks.ts),
 * then anchor lookups and sparse sample checks along the copies found (copies.ts): about 0.2-0.5 s for a 10-minute
 * stereo 44.1 kHz result. The input's silence threshold is used for both signals so they are judged alike.
 * Verbatim and repeat metrics are 0 (and endsWithInputEnding false) when the two differ in rate or channel count.
 * `found`: findResultCopies(original, result) when the caller needs the copies too.
 */
export function measureForm(
  original: PcmAudio,
  result: MeasuredAudio,
  options: FormOptions = {},
  found: ResultCopies = findResultCopies(original, result),
): FormMetrics {
  return finish(formSteps(original, result, options, found));
}

/** measureForm in steps (steps.ts), from the copies found. */
export function* formSteps(
  original: PcmAudio,
  result: MeasuredAudio,
  options: FormOptions,
  found: ResultCopies,
): Steps<FormMetrics> {
  const sampleRate = result.sampleRate;
  const { originalScan, thresholdDb: threshold, originalSilence, resultSilence, input, copies } = found;
  const resultLength = found.result.length;
  const originalSound = soundSpan(original, originalSilence, threshold);
  const resultSound = soundSpan(found.result, resultSilence, threshold);

  const minOffsetSamples = Math.round(MIN_REPEAT_OFFSET_SECONDS * sampleRate);
  // The result's copies of itself are mostly copies of the input's copies: read those places from the input.
  // A second pass over the result gives its anchors again, in order, rather than holding them from the first.
  const pass = recentSpans(found.result);
  const backed = copyBackedSource(pass.near, input.source, copySegments(copies, 0, resultLength));
  const repeats = selfCopyFinder(backed, { minOffsetSamples });
  yield* scanResult(pass, repeats.add);
  const originalRepeats = selfCopyFinder(input.source, { minOffsetSamples });
  yield* feedAnchors(input.anchors, originalRepeats);
  const longestRepeat = repeats.done();
  const originalLongestRepeat = originalRepeats.done();
  const intro = Math.round((options.introSeconds ?? frameCount(original) / original.sampleRate) * sampleRate);

  // The copies' exact edges are walked here, as each figure asks for them: a step each.
  const longestVerbatimRunSeconds = longestRunAfter(copies, Math.max(0, intro)) / sampleRate;
  yield;
  const longestRepeatedStretchSeconds = longestRepeat / sampleRate;
  const introReplays = originalSound ? countOpenings(copies, originalSound, sampleRate) : 0;
  yield;
  const endsWithInputEnding =
    originalSound && resultSound ? endsWithEnding(copies, originalSound, resultSound, sampleRate) : false;
  yield;
  return {
    longestVerbatimRunSeconds,
    longestRepeatedStretchSeconds,
    originalLongestRepeatedStretchSeconds: originalLongestRepeat / sampleRate,
    introReplays,
    endsWithInputEnding,
    longestInternalSilenceSeconds: longestInternalSilenceSeconds(resultSilence, sampleRate),
    originalLongestInternalSilenceSeconds: longestInternalSilenceSeconds(originalSilence, original.sampleRate),
    coveragePercent: coveragePercent(original, originalScan, copies, resultLength, threshold),
    originalSeconds: frameCount(original) / original.sampleRate,
    resultSeconds: resultLength / sampleRate,
  };
}

/** Result positions (distinct offsets) where one copy holds at least half of the input's opening. */
function countOpenings(copies: FoundCopies, sound: SoundSpan, sampleRate: number): number {
  const length = Math.min(OPENING_SECONDS * sampleRate, (sound.end - sound.first) / 3);
  if (!(length >= 1)) return 0;
  return offsetsCopying(copies, sound.first, sound.first + length, OPENING_SHARE * length).size;
}

/** Whether one copy holds most of the input's last sounding seconds, placed where its last sound meets the result's. */
function endsWithEnding(copies: FoundCopies, sound: SoundSpan, resultSound: SoundSpan, sampleRate: number): boolean {
  const length = Math.min(ENDING_SECONDS * sampleRate, (sound.end - sound.first) / 3);
  if (!(length >= 1)) return false;
  const tolerance = ENDING_TOLERANCE_SECONDS * sampleRate;
  const offsets = offsetsCopying(copies, sound.end - length, sound.end, ENDING_SHARE * length);
  return [...offsets].some((offset) => Math.abs(resultSound.end - (sound.end + offset)) <= tolerance);
}

import type { ClosingFade } from "../audio/fade.ts";
import type { SeamSource } from "./report.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import type { SignalAnalysis } from "../analysis/beats.ts";
import { type ResultFade, seamSteps, type SeamMetrics, type SeamReference } from "./seams.ts";
import { finish, type Steps } from "./steps.ts";
import type { SeamPlace } from "./seam-list.ts";
import { sampleSource, type MeasuredAudio } from "./sample-source.ts";

/** What the quality analysis measures: the input, the result and where the result joins it. */
export interface ExtensionToMeasure {
  readonly original: PcmAudio;
  /**
   * Starts with the original's opening (the whole original, or in song form its intro); the rest is measured. A
   * stream (or a source of one) is read a window at a time: a result of any length is measured in bounded memory.
   */
  readonly result: MeasuredAudio;
  /** Join points in the result, seconds. */
  readonly seams: readonly number[];
  /** Where each seam joins the input (ExtendResult.seamSources); absent when the engine did not say. */
  readonly seamSources?: readonly SeamSource[];
  /**
   * Where the kept opening ends in the result, seconds (the engine's ExtendResult.introSeconds). Timbre, harmony,
   * tempo, loops, verbatim fraction and integrated loudness are measured on the result after it, and verbatim runs
   * are counted after it. Default: the original's length (the result starts with the whole original).
   */
  readonly introSeconds?: number;
  /**
   * The result's closing fade-out (ExtendResult.closingFade): a join whose loudness sides reach into it is read with
   * the fade's gain divided out, the join's own change, not the fade's.
   */
  readonly closingFade?: ClosingFade;
}

/** The part of a result that measureExtension measures: after the kept opening, with the seams inside the result. */
export interface MeasuredSpan {
  /** Where the measured part starts, samples (the input's intro in song form, else its whole length). */
  readonly boundary: number;
  /** The seams within the result, seconds. */
  readonly seams: readonly number[];
  /** The same seams as places in the result, with the input's positions on either side when the engine gave them. */
  readonly places: readonly SeamPlace[];
  /** Samples the result is longer than the original. */
  readonly extensionLength: number;
  /**
   * False when less than a second follows the kept opening: the report then holds only the original's figures. A
   * result no longer than the input is still measured after its intro (song form re-orders the body whatever is added).
   */
  readonly measurable: boolean;
  /** The closing fade-out's span (samples in the result) and curve, when there is one. */
  readonly fade?: ResultFade;
}

export function measuredSpan(extension: ExtensionToMeasure): MeasuredSpan {
  const { original, result, seams, seamSources, introSeconds, closingFade } = extension;
  const sampleRate = original.sampleRate;
  const resultLength = sampleSource(result).length;
  const extensionLength = Math.max(0, resultLength - frameCount(original));
  const boundary = Math.min(
    resultLength,
    Math.max(0, Math.round((introSeconds ?? frameCount(original) / sampleRate) * sampleRate)),
  );
  const inside = (s: number) => s * sampleRate >= 0 && s * sampleRate < resultLength;
  return {
    boundary,
    seams: seams.filter(inside),
    places: seams
      .map((s, i) => ({ at: Math.round(s * sampleRate), source: seamSources?.[i] }))
      .filter((_, i) => inside(seams[i]!)),
    extensionLength,
    measurable: resultLength - boundary >= sampleRate,
    ...(closingFade && {
      fade: {
        start: Math.min(resultLength, Math.round(closingFade.startSeconds * sampleRate)),
        end: resultLength,
        curve: closingFade.curve,
      },
    }),
  };
}

/** What the seam metrics read of the original, from its analysis (beats and frame features). */
export function seamReferenceOf({ signal, frames, beats }: SignalAnalysis): SeamReference {
  return { frames, beats, factor: signal.factor, beatFrames: beats.beatSamples / signal.factor / frames.hop };
}

export const NO_SEAM_METRICS: SeamMetrics = {
  seamList: [],
  clicksAtSeams: 0,
  seamFluxZ: null,
  seamLoudnessChangeLu: null,
  beatPhaseErrorAtSeams: null,
};

/**
 * The seam metrics of measureExtension on their own. The beat phase is read even when the extension is silent:
 * measureExtension then reports null.
 */
export function measureResultSeams(
  input: ExtensionToMeasure,
  reference: SeamReference,
  timed: <T>(name: string, stage: () => T) => T = (_, stage) => stage(),
): SeamMetrics {
  return finish(resultSeamSteps(input, reference, timed));
}

/** measureResultSeams in steps (steps.ts). */
export function* resultSeamSteps(
  input: ExtensionToMeasure,
  reference: SeamReference,
  timed: <T>(name: string, stage: () => T) => T,
): Steps<SeamMetrics> {
  const span = measuredSpan(input);
  if (!span.measurable) return NO_SEAM_METRICS;
  return yield* seamSteps(input.result, input.original, span.places, span.boundary, reference, timed, span.fade);
}

import type { BeatAnalysis } from "../analysis/beats.ts";

/** A stretch of the original (samples [start, end)) appended to the result. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

export type Ending =
  /**
   * The song's own last part from beat `beat` on, then `padSamples` of silence (negative: trailing silence cut).
   * `approachSamples`: of that part, the samples before the song's ending proper (its approach, which may be ridden).
   */
  | { readonly kind: "outro"; readonly beat: number; readonly padSamples: number; readonly approachSamples?: number }
  /** The path runs to the target and fades out from `fadeStart` (samples in the result). */
  | { readonly kind: "fade"; readonly fadeStart: number };

/**
 * A plan in one of two forms. "song": `ranges` is the whole output from the input's first sample (its intro) to
 * its last (its ending). "continue": the output is the untouched input, then `ranges`.
 */
export interface RemixPlan {
  readonly form: "song" | "continue";
  /** In order; neighbours with start === previous end are continuous. */
  readonly ranges: SourceRange[];
  readonly ending: Ending;
  /** Output position where the kept opening ends: the intro (song form) or the whole input (continue form). */
  readonly introSamples: number;
  /** Rules the song was too short or too uniform to keep, in words. */
  readonly shortfalls: string[];
  /** Seconds between the closest two plays of the same MAX_REPEAT_SECONDS stretch; absent when none repeats. */
  readonly shortestRepeatSeconds?: number;
  /**
   * Continue form: samples of the first range read before its first beat's cut (the lead-in up to the continued
   * beat grid). An entrance fade after a quiet tail ends there, so the incoming beat keeps its attack.
   */
  readonly leadInSamples?: number;
  /** Continue form: samples after the input played from its recent bars re-ordered (recent-bars.ts). */
  readonly recentBarsSamples?: number;
}

/** Where a beat's audio is cut: a little before the detected beat, so crossfades end before the attack. */
export function cutPositions(analysis: BeatAnalysis, crossfadeSamples: number): number[] {
  const preroll = Math.round(crossfadeSamples / 2 + 0.012 * analysis.sampleRate);
  return analysis.beats.map((b) => Math.max(0, b - preroll));
}

import { OUTLOOK_HORIZON_SECONDS, OUTLOOK_SCORED } from "../model/outlook-input.ts";
import type { Outlook, OutlookPrediction } from "../model/port.ts";
import type { SourceRange } from "./plan.ts";

/**
 * How far a continuation's first minutes stray from where the outlook says the song is heading. The outlook predicts
 * the mean and deviation of every feature over the OUTLOOK_HORIZON_SECONDS after the input; a candidate phrase is
 * scored by the Fréchet distance (MFCC 1-12, as the continuation protocol measures timbre) between that prediction and
 * the continuation so far with the phrase played next. Past the horizon there is no prediction.
 */
export interface OutlookScore {
  /** The outlook's prediction (made once) while output position `position` is within its horizon, else undefined. */
  prediction(position: number): Promise<OutlookPrediction | undefined>;
  /**
   * The distance from `prediction` after each candidate (source ranges, in samples) is played from output position
   * `position` after `heard` (the output so far as source ranges, back to back; its first samples, as long as the
   * input, are the input).
   */
  distances(
    prediction: OutlookPrediction,
    candidates: readonly SourceRange[],
    heard: readonly SourceRange[],
    position: number,
  ): number[];
}

/**
 * frames: the input's raw second frames every stepSeconds (the conductor's); the outlook reads one a second.
 */
export function createOutlookScore(
  outlook: Outlook,
  frames: readonly Float32Array[],
  stepSeconds: number,
  input: { readonly length: number; readonly sampleRate: number },
): OutlookScore {
  const { length, sampleRate } = input;
  const perSecond = Math.max(1, Math.round(1 / stepSeconds));
  const standardised = outlook.standardise(frames);
  let target: Promise<OutlookPrediction> | undefined;
  const horizonEnd = length + OUTLOOK_HORIZON_SECONDS * sampleRate;
  const frameStep = stepSeconds * sampleRate;

  /** Adds the frames of source [start, end) to the sums (per scored dimension: sum, sum of squares; and the count). */
  const add = (sums: Float64Array, start: number, end: number) => {
    const first = Math.max(0, Math.round(start / frameStep));
    const last = Math.min(standardised.length, Math.round(end / frameStep));
    for (let i = first; i < last; i++) {
      const frame = standardised[i]!;
      OUTLOOK_SCORED.forEach((d, k) => {
        sums[2 * k]! += frame[d]!;
        sums[2 * k + 1]! += frame[d]! ** 2;
      });
      sums[sums.length - 1]! += 1;
    }
  };

  return {
    async prediction(position) {
      if (position >= horizonEnd) return undefined;
      target ??= outlook.predict(frames.filter((_, i) => i % perSecond === 0));
      return target;
    },
    distances({ mean, std }, candidates, heard, position) {
      const sums = new Float64Array(2 * OUTLOOK_SCORED.length + 1);
      let at = 0;
      for (const range of heard) {
        const from = Math.max(range.start, range.start + length - at);
        if (from < range.end) add(sums, from, range.end);
        at += range.end - range.start;
      }
      return candidates.map((candidate) => {
        const withIt = Float64Array.from(sums);
        add(withIt, candidate.start, Math.min(candidate.end, candidate.start + horizonEnd - position));
        const count = Math.max(1, withIt[withIt.length - 1]!);
        let distance = 0;
        OUTLOOK_SCORED.forEach((d, k) => {
          const m = withIt[2 * k]! / count;
          const s = Math.sqrt(Math.max(0, withIt[2 * k + 1]! / count - m * m));
          distance += (m - mean[d]!) ** 2 + (s - std[d]!) ** 2;
        });
        return distance;
      });
    },
  };
}

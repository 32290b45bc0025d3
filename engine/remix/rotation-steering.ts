import type { PcmAudio } from "../audio/pcm.ts";
import type { Conductor } from "../model/port.ts";
import { cachedPredictions, contextFrames, inputFrames } from "./conductor-steering.ts";
import type { UnitSteering } from "./recent-bars.ts";

/**
 * The conductor chooses among the recent bars' units whose join costs within this much of the cheapest (the rules'
 * choice). Right after the input its 10 s prediction reads the song's own last 20 s: its own regime. On 31 tracks
 * (docs/continuation.md, "The conductor orders the recent bars") margins 1 and 2 took the continuation farther from
 * the true one on about twice as many tracks as closer; 0.5 is a coin toss.
 */
export const UNIT_MARGIN = 0.5;
/** The prediction's mean distance per frame (candidates differ by 0.1–0.5) weighs this much against the extra cost. */
export const UNIT_WEIGHT = 4;

/**
 * The conductor's say in the recent bars' rotation (recent-bars.ts): of the units the rules admit within `margin` of
 * the cheapest join, it takes the one whose next seconds in the input (the unit, and what follows it) are closest to
 * its prediction from the last contextFrames seconds of the output, each unit's extra cost added.
 */
export function createRotationSteering(
  input: PcmAudio,
  conductor: Conductor,
  settings: { readonly margin: number; readonly weight: number } = { margin: UNIT_MARGIN, weight: UNIT_WEIGHT },
): UnitSteering {
  const { frames, frameIndex, distanceFrom } = inputFrames(input);
  const predict = cachedPredictions(conductor);
  let decisions = 0;
  let changed = 0;
  return {
    summary: () =>
      `in the recent bars the conductor chose ${changed} of ${decisions} units against the rules' cheapest join (where the rules left two or more within ${settings.margin} of it)`,
    async choose(choices, heard) {
      const costs = choices.map((c) => c.cost);
      const cheapest = Math.min(...costs);
      const first = costs.indexOf(cheapest);
      const close = choices.flatMap((c, index) => (c.cost <= cheapest + settings.margin ? [index] : []));
      if (close.length <= 1) return first;
      decisions++;
      const context = contextFrames(heard, conductor.contextFrames, input.sampleRate).map(frameIndex);
      const predicted = await predict(context, frames);
      const scores = close.map((index) => {
        const distance = distanceFrom(predicted, choices[index]!.start) / Math.max(1, predicted.length);
        return costs[index]! - cheapest + settings.weight * distance;
      });
      const best = close[scores.indexOf(Math.min(...scores))]!;
      if (best !== first) changed++;
      return best;
    },
  };
}

/** Continue form: the conductor's say in the recent bars, when there is a conductor and the recent bars are on. */
export function rotationSteeringFor(
  input: PcmAudio,
  options: { readonly conductor?: Conductor; readonly recentBarsSeconds?: number },
): UnitSteering | undefined {
  return options.conductor && options.recentBarsSeconds ? createRotationSteering(input, options.conductor) : undefined;
}

import { perAudio, type PcmAudio } from "../audio/pcm.ts";
import { frameDistance, secondFrames } from "../analysis/second-frames.ts";
import type { FormName } from "../analysis/form.ts";
import type { Conductor } from "../model/port.ts";
import { OUTLOOK_HORIZON_SECONDS } from "../model/outlook-input.ts";
import { createOutlookScore } from "./outlook-score.ts";
import type { PhraseSteering } from "./phrase.ts";
import type { SourceRange } from "./plan.ts";

/** Input frames are kept every this many seconds, so any second of the input is described within a quarter second. */
const FRAME_STEP_SECONDS = 0.5;
/**
 * The prediction's distance (about 1–1.4 per frame between unrelated music, so candidates differ by 0.1–0.5) weighs
 * this much against the rules' cost beyond their first choice.
 */
const PREDICTION_WEIGHT = 4;
/**
 * In continue form the conductor breaks near-ties only: it chooses among the phrases whose whole cost (the rules, the
 * pull toward the input's last seconds and each phrase's share included) is within this much of the rules' first
 * choice. Given the rules' whole admitted set and half the pull and share, its choices took the continuation away
 * from the true one (docs/continuation.md: median 7.67 on 19 tracks, 1.04x looping, 5.48 for the rules alone).
 */
export const TIE_MARGIN = 3;
/**
 * In continue form, over the outlook's horizon (the first OUTLOOK_HORIZON_SECONDS of the continuation), the outlook
 * decides the near-ties instead of the 10 s prediction: each one's score is its extra cost plus this much times its
 * distance from the outlook's prediction (the continuation so far with the phrase next) beyond the nearest one's.
 * Chosen on 12 tracks outside the continuation protocol (docs/continuation.md): the 10 s prediction added to it, or a
 * weight of 8, or a margin of 6, did worse there. On the protocol's 19 tracks it chose no better than the 10 s
 * prediction, so the shipped conductor has no outlook (models/outlook is trained, not installed).
 */
export const OUTLOOK_WEIGHT = 4;

/**
 * The conductor decides where the song goes next: at each phrase boundary it reads the last contextFrames seconds of
 * the output (as second frames), predicts the next horizonFrames seconds, and of the choices the rules admit (in
 * continue form: those within TIE_MARGIN of the first), takes the one whose next seconds (the phrase, played on) are
 * closest to that prediction, each choice's extra cost added. A conductor with an outlook decides continue form's
 * near-ties over the outlook's horizon by the outlook instead (OUTLOOK_WEIGHT). A conductor's `say` replaces TIE_MARGIN and
 * PREDICTION_WEIGHT (scripts/eval-continuation.ts --tie-margin / --prediction-weight).
 */
export function createConductorSteering(
  input: PcmAudio,
  conductor: Conductor,
  cuts: readonly number[],
  form: FormName,
): PhraseSteering {
  const tieMargin = conductor.say?.tieMargin ?? TIE_MARGIN;
  const weight = conductor.say?.predictionWeight ?? PREDICTION_WEIGHT;
  const margin = form === "continue" ? tieMargin : Infinity;
  const sampleRate = input.sampleRate;
  const length = input.channels[0]?.length ?? 0;
  const { frames, frameIndex, distanceFrom } = inputFrames(input);
  const predict = cachedPredictions(conductor);
  const outlook =
    form === "continue" && conductor.outlook
      ? createOutlookScore(conductor.outlook, frames, FRAME_STEP_SECONDS, { length, sampleRate })
      : undefined;
  let decisions = 0;
  let changed = 0;
  /** Decisions the outlook made, and those where the 10 s prediction would have chosen otherwise. */
  let weighed = 0;
  let swayed = 0;
  return {
    summary: () =>
      `the conductor chose ${changed} of ${decisions} phrases against the rules' first choice (${form === "continue" ? `where the rules left two or more within ${tieMargin} of it; ` : ""}one 10 s prediction per phrase, ${conductor.backend}${predict.reused() > 0 ? `; ${predict.reused()} of them reused: the same last ${conductor.contextFrames} s heard before` : ""}${weighed > 0 ? `; its outlook of the next ${OUTLOOK_HORIZON_SECONDS} s decided ${weighed} of them and chose otherwise than the 10 s prediction in ${swayed}` : ""})`,
    async choose(choices, phrases, heard, position) {
      const first = choices[0];
      const close = choices.flatMap((c, index) => (first && c.cost <= first.cost + margin ? [index] : []));
      if (!first || close.length <= 1) return 0;
      decisions++;
      // The look-ahead may rank a cheaper choice below a dearer one: in continue form its order stands.
      const extraCost = (cost: number) => (form === "continue" ? Math.max(0, cost - first.cost) : cost - first.cost);
      const predicted = await predict(
        contextFrames(heard, conductor.contextFrames, sampleRate).map(frameIndex),
        frames,
      );
      const range = (index: number) => {
        const phrase = phrases[choices[index]!.phrase]!;
        return { start: cuts[phrase.start] ?? length, end: cuts[phrase.end] ?? length };
      };
      const heading = await outlook?.prediction(position);
      const outlooks = heading && outlook?.distances(heading, close.map(range), heard, position);
      const nearest = outlooks ? Math.min(...outlooks) : 0;
      const scores = close.map((index) => {
        const choice = choices[index]!;
        const distance = distanceFrom(predicted, cuts[phrases[choice.phrase]!.start] ?? length);
        return extraCost(choice.cost) + (weight * distance) / Math.max(1, predicted.length);
      });
      const lowest = (values: readonly number[]) => close[values.indexOf(Math.min(...values))]!;
      const best = outlooks
        ? lowest(close.map((index, k) => extraCost(choices[index]!.cost) + OUTLOOK_WEIGHT * (outlooks[k]! - nearest)))
        : lowest(scores);
      if (outlooks) {
        weighed++;
        if (best !== lowest(scores)) swayed++;
      }
      if (best !== 0) changed++;
      return best;
    },
  };
}

/** The input's second frames, and how far a prediction is from the input's own seconds from a sample on. */
export function inputFrames(input: PcmAudio) {
  const sampleRate = input.sampleRate;
  const frames = conductorFrames(input);
  const length = input.channels[0]?.length ?? 0;
  /** Index of the second frame of the input starting nearest to sample `position`. */
  const frameIndex = (position: number): number =>
    Math.max(0, Math.min(frames.length - 1, Math.round(position / sampleRate / FRAME_STEP_SECONDS)));
  /** The summed frame distance of `predicted` from the input's seconds from `start` on (the last second held). */
  const distanceFrom = (predicted: readonly Float32Array[], start: number): number => {
    let distance = 0;
    for (let t = 0; t < predicted.length; t++)
      distance += frameDistance(
        predicted[t]!,
        frames[frameIndex(Math.min(length - sampleRate, start + t * sampleRate))]!,
      );
    return distance;
  };
  return { frames, frameIndex, distanceFrom };
}

/**
 * Most predictions the planner would make again when a long result is planned: the same phrases heard in the same order
 * give the same context (the last contextFrames seconds), and the model gives the same prediction. Kept by the indices of
 * the context's frames, the latest PREDICTIONS_KEPT of them (about 2 kB each).
 */
const PREDICTIONS_KEPT = 4096;

export interface CachedPredictions {
  (context: readonly number[], frames: readonly Float32Array[]): Promise<Float32Array[]>;
  /** Predictions answered from the cache so far. */
  reused(): number;
}

export function cachedPredictions(conductor: Conductor): CachedPredictions {
  const kept = new Map<string, Float32Array[]>();
  let reused = 0;
  const predict = async (context: readonly number[], frames: readonly Float32Array[]) => {
    const key = context.join(",");
    const known = kept.get(key);
    if (known) {
      reused++;
      return known;
    }
    const predicted = await conductor.predict(context.map((index) => frames[index]!));
    if (kept.size >= PREDICTIONS_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(key, predicted);
    return predicted;
  };
  return Object.assign(predict, { reused: () => reused });
}

/**
 * The input's second frames every FRAME_STEP_SECONDS, computed once per audio object (the job computes them ahead,
 * while the beats are found in another thread). The samples must not change afterwards.
 */
export const conductorFrames = perAudio((input) => secondFrames(input, FRAME_STEP_SECONDS));

/** Source positions of the starts of the last `count` seconds of the output (ranges back to back), oldest first. */
export function contextFrames(heard: readonly SourceRange[], count: number, sampleRate: number): number[] {
  const positions: number[] = [];
  let r = heard.length - 1;
  let offset = heard[r] ? heard[r]!.end - heard[r]!.start : 0;
  for (let k = 0; k < count; k++) {
    offset -= sampleRate;
    while (offset < 0 && r > 0) {
      r--;
      offset += heard[r]!.end - heard[r]!.start;
    }
    const range = heard[Math.max(0, r)];
    positions.push(range ? range.start + Math.max(0, offset) : 0);
  }
  return positions.reverse();
}

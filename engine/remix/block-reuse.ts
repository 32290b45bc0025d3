import type { BeatAnalysis } from "../analysis/beats.ts";
import type { PulseProfile } from "../analysis/continuity.ts";
import { MAX_REPEAT_SECONDS } from "../variety.ts";
import type { JumpGraph } from "./jump-graph.ts";
import { clockOf } from "./repeat-distance.ts";
import type { WalkStep } from "./song-exit.ts";

/**
 * Long results (issue 22): the walk plans at most FRESH_SECONDS of body phrase by phrase (the rules and the conductor
 * choose every phrase there), then that stretch is played again as whole blocks up to the target. A 10-hour plan then
 * costs about what a 1-hour plan does, and the same 30 s stretch is heard again only a block later.
 */
export const FRESH_SECONDS = 3600;
/**
 * Results at least this long also turn to blocks as soon as the song's phrases run out of fresh orders (the walk would
 * have to repeat a 30 s stretch): a block of everything planned so far spreads the repeats as far apart as the
 * material allows, where repeating phrase by phrase brings them back within a minute or two.
 */
export const LONG_RESULT_SECONDS = 1200;

export interface BlockContext {
  readonly graph: JumpGraph;
  readonly pulse?: PulseProfile;
  readonly at: (beat: number) => number;
  /** Beats in a MAX_REPEAT_SECONDS stretch. */
  readonly windowBeats: number;
}

export interface Blocks {
  /** The steps to append after the walk's own. */
  readonly steps: WalkStep[];
  /** Output position after the last appended step. */
  readonly end: number;
  /** The block is the walk's output [blockStart, from); it is played again from `from` on, samples. */
  readonly blockStart: number;
  readonly from: number;
}

/**
 * Appends whole blocks of the walk to `steps` up to `until` (see appendBlocks), and says so in words for the report.
 */
export function reuseBlocks(
  steps: WalkStep[],
  phraseSteps: readonly number[],
  position: number,
  until: number,
  context: Omit<BlockContext, "windowBeats"> & { readonly analysis: BeatAnalysis },
): string {
  const { sampleRate, beatSamples } = context.analysis;
  const windowBeats = Math.ceil((MAX_REPEAT_SECONDS * sampleRate) / beatSamples);
  const appended = appendBlocks(steps, phraseSteps, position, until, { ...context, windowBeats });
  for (const step of appended.steps) steps.push(step);
  const clock = (samples: number) => clockOf(samples / sampleRate);
  return `a long result: the output from ${clock(appended.blockStart)} to ${clock(appended.from)} plays again as whole blocks from there on`;
}

/**
 * Appends whole blocks of the walk (steps[k..], from a phrase start `k` among `phraseSteps` in the first half of the
 * body, chosen for the smoothest join from the walk's last beat back to it) until the output reaches `until`. The
 * first run of each block is read with the pulse alignment of that join; the rest as the walk read it.
 */
export function appendBlocks(
  steps: readonly WalkStep[],
  phraseSteps: readonly number[],
  position: number,
  until: number,
  context: BlockContext,
): Blocks {
  const windowBeats = Math.max(1, context.windowBeats);
  const { graph, pulse, at } = context;
  const last = steps[steps.length - 1]!;
  const first = phraseSteps[0]!;
  const latest = first + (steps.length - first) / 2;
  const cost = (k: number) => {
    const beat = steps[k]!.beat;
    if (beat === last.beat + 1) return Infinity; // the run would go on past the verbatim limit
    return graph.transitionCost(last.beat, beat) + (graph.samePlaceInBar(last.beat + 1, beat) ? 0 : 2);
  };
  // A loop start whose join makes a stretch the walk has already played would repeat it a block too soon.
  const replayed = straddlingRepeats(steps, first, windowBeats);
  // Nor one the walk played in its last MAX_REPEAT_SECONDS: that would be heard as a back-to-back loop.
  const recent = new Set(steps.slice(-windowBeats).map((s) => s.beat));
  const score = (k: number) => replayed(k) * 1000 + (recent.has(steps[k]!.beat) ? 500 : 0) + cost(k);
  const candidates = phraseSteps.filter((k) => k <= latest);
  const k = candidates.reduce((best, c) => (score(c) < score(best) ? c : best), candidates[0] ?? first);
  const shift = pulse ? pulse.alignment(at(last.beat + 1) + last.shift, at(steps[k]!.beat)) : 0;
  let runEnd = k + 1;
  while (
    runEnd < steps.length &&
    steps[runEnd]!.beat === steps[runEnd - 1]!.beat + 1 &&
    steps[runEnd]!.shift === steps[runEnd - 1]!.shift
  )
    runEnd++;
  const appended: WalkStep[] = [];
  const from = position;
  while (position < until) {
    for (let i = k; i < steps.length && position < until; i++) {
      const step = steps[i]!;
      appended.push({ beat: step.beat, outputStart: position, shift: i < runEnd ? shift : step.shift });
      position += at(step.beat + 1) - at(step.beat);
    }
  }
  return {
    steps: appended,
    end: position,
    from,
    blockStart: steps[k]!.outputStart,
  };
}

/**
 * For a loop from the walk's end back to step k: how many runs of `windowBeats` beats across that join the walk
 * (from step `first` on) has already played.
 */
function straddlingRepeats(steps: readonly WalkStep[], first: number, windowBeats: number): (k: number) => number {
  const played = new Set<string>();
  for (let i = first; i + windowBeats <= steps.length; i++)
    played.add(
      steps
        .slice(i, i + windowBeats)
        .map((s) => s.beat)
        .join(","),
    );
  const tail = steps.slice(Math.max(first, steps.length - windowBeats + 1)).map((s) => s.beat);
  return (k) => {
    const joined = tail.concat(steps.slice(k, k + windowBeats - 1).map((s) => s.beat));
    let count = 0;
    for (let i = 0; i + windowBeats <= joined.length; i++)
      if (played.has(joined.slice(i, i + windowBeats).join(","))) count++;
    return count;
  };
}

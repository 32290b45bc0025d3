import type { BeatAnalysis } from "../analysis/beats.ts";
import type { PulseProfile } from "../analysis/continuity.ts";
import type { JumpGraph } from "./jump-graph.ts";
import { RIDE_FROM_LU } from "./level-ride.ts";

/** One beat of the planned output. */
export interface WalkStep {
  readonly beat: number;
  /** Output position of the beat's cut, samples. */
  readonly outputStart: number;
  /** Samples the beat is read late (positive) or early, to keep the pulse across the join that led here. */
  readonly shift: number;
}

export interface ExitContext {
  /** Exits are considered from this step on (the intro is never cut short). */
  readonly firstStep: number;
  /** Earliest beat the kept ending may start at. */
  readonly endingBeat: number;
  readonly targetSamples: number;
  readonly maxRunSamples: number;
  readonly costScale: number;
  readonly pulse?: PulseProfile;
  /**
   * Beats of the song's own approach to its ending (the bars before `endingBeat`) the exit may enter instead, when a
   * join straight into the ending would step its level by more than RIDE_FROM_LU beyond the song's own step there:
   * the ending is heard at its own level, so only a join before it can be ridden.
   */
  readonly approachBeats?: number;
}

export interface SongExit {
  /** Walk steps kept before the ending. */
  readonly keep: number;
  readonly endingBeat: number;
  /** Pulse alignment of the ending's start, samples. */
  readonly shift: number;
  /** Silence after the ending (positive) or trailing silence cut (negative), so the output is exactly on time. */
  readonly padSamples: number;
}

/** Joins that break the place in the bar cost this much; a bar of silence at the end costs about as much. */
const OFF_METRE_COST = 1.5;
const PAD_COST_PER_BEAT = 0.4;
/**
 * Each beat of the song's ending left out costs more than a beat of silence after it (inaudible after the final
 * sound) or an off-metre join: the ending is heard whole whenever some exit fits within a bar of the target.
 */
const SKIPPED_ENDING_COST_PER_BEAT = 2;
/** Of the kept ending, at least this share is kept when the exit moves later into it. */
const MIN_ENDING_SHARE = 0.5;
/**
 * A piece played between two joins is at least this long: a bar or two of a phrase between the join into it and the
 * join into the ending is heard as a stutter (introzik.ogg continued to 250 s played 1.3 s between joins).
 */
export const MIN_PIECE_SECONDS = 4;

/**
 * Where to leave the walk for the song's own ending: after `keep` steps, play the input from `endingBeat` to its
 * end, so that the output is within about a bar of the target (the rest is silence after the final sound, or
 * trailing silence cut). Prefers joins that keep the bar and sound alike, and little padding.
 */
export function chooseSongExit(
  analysis: BeatAnalysis,
  graph: JumpGraph,
  cuts: readonly number[],
  steps: readonly WalkStep[],
  context: ExitContext,
): SongExit {
  const at = (beat: number) => cuts[beat] ?? analysis.length;
  const direct = { first: context.endingBeat, last: cuts.length - 1 };
  // Exits that leave a short piece between two joins only when no other exit fits.
  const minPiece = MIN_PIECE_SECONDS * analysis.sampleRate;
  const best =
    bestExit(analysis, graph, cuts, steps, context, { ...direct, minPiece }) ??
    bestExit(analysis, graph, cuts, steps, context, { ...direct, minPiece: 0 });
  const approach = context.approachBeats ?? 0;
  if (best && approach > 0 && levelStepBeyondOwn(graph, steps, best) > RIDE_FROM_LU) {
    // Into the song's approach, at least half a ride before its ending, and no earlier than leaves the run from the
    // entry to the song's end within the verbatim limit (frontiers.mp3 to 1 h: 8.3 s early made 45.4 s of 45).
    const last = context.endingBeat - Math.ceil(approach / 2);
    let first = Math.max(graph.firstPlayable, context.endingBeat - approach);
    const longestEntry = context.maxRunSamples - analysis.beatSamples / 2;
    while (first <= last && analysis.length - at(first) > longestEntry) first++;
    const approached = bestExit(analysis, graph, cuts, steps, context, { first, last, minPiece });
    if (approached) return approached;
  }
  if (best) return best;
  // Nothing fits (a walk too short for the target): the whole walk, then the ending, padded or trimmed.
  const last = steps[steps.length - 1]!;
  const exitAt = last.outputStart + at(last.beat + 1) - at(last.beat);
  return {
    keep: steps.length,
    endingBeat: context.endingBeat,
    shift: 0,
    padSamples: context.targetSamples - exitAt - (analysis.length - at(context.endingBeat)),
  };
}

/** LU by which a join into the exit's beat steps the level beyond the song's own step at that beat (0 if natural). */
function levelStepBeyondOwn(graph: JumpGraph, steps: readonly WalkStep[], exit: SongExit): number {
  const next = steps[exit.keep - 1]!.beat + 1;
  if (next === exit.endingBeat) return 0;
  return graph.loudnessChange(next, exit.endingBeat) - graph.loudnessChange(exit.endingBeat, exit.endingBeat);
}

/**
 * The cheapest exit into a beat from `first` to `last` whose join (if any) follows at least `minPiece` samples since
 * the walk's last join.
 */
function bestExit(
  analysis: BeatAnalysis,
  graph: JumpGraph,
  cuts: readonly number[],
  steps: readonly WalkStep[],
  context: ExitContext,
  { first, last, minPiece }: { first: number; last: number; minPiece: number },
): SongExit | undefined {
  const { length, beatSamples } = analysis;
  const at = (beat: number) => cuts[beat] ?? length;
  const fullEnding = length - at(context.endingBeat);
  const trailingQuiet = Math.max(0, length - analysis.soundEnd);
  const maxPad = 4 * beatSamples;
  let best: (SongExit & { cost: number }) | undefined;
  for (let keep = Math.max(1, context.firstStep); keep <= steps.length; keep++) {
    const previous = steps[keep - 1]!;
    const exitAt = steps[keep]?.outputStart ?? previous.outputStart + at(previous.beat + 1) - at(previous.beat);
    const next = previous.beat + 1;
    for (let beat = first; beat <= last; beat++) {
      const ending = length - at(beat);
      if (ending < MIN_ENDING_SHARE * fullEnding) break;
      const natural = beat === next;
      // The pulse moves the ending by at most half a beat: an exit that cannot fit with any such shift is not read.
      const unshifted = context.targetSamples - exitAt - ending;
      if (unshifted - beatSamples > maxPad || unshifted + beatSamples < -trailingQuiet) continue;
      if (!natural && minPiece > 0 && runLength(steps, keep, at) < minPiece) continue;
      const shift = natural
        ? previous.shift
        : context.pulse
          ? context.pulse.alignment(at(next) + previous.shift, at(beat))
          : 0;
      const pad = context.targetSamples - exitAt - (ending - shift);
      if (pad > maxPad || pad < -trailingQuiet) continue;
      let cost =
        (Math.abs(pad) / beatSamples) * PAD_COST_PER_BEAT +
        Math.max(0, beat - context.endingBeat) * SKIPPED_ENDING_COST_PER_BEAT;
      if (!natural) {
        cost += graph.transitionCost(previous.beat, beat) / context.costScale;
        if (!graph.samePlaceInBar(next, beat)) cost += OFF_METRE_COST;
      } else if (runLength(steps, keep, at) + ending > context.maxRunSamples) {
        cost += 10;
      }
      if (!best || cost < best.cost) best = { keep, endingBeat: beat, shift, padSamples: pad, cost };
    }
  }
  return best && { keep: best.keep, endingBeat: best.endingBeat, shift: best.shift, padSamples: best.padSamples };
}

/** Samples of the contiguous run of input that ends with step `keep - 1`. */
function runLength(steps: readonly WalkStep[], keep: number, at: (beat: number) => number): number {
  let first = keep - 1;
  while (
    first > 0 &&
    steps[first - 1]!.beat + 1 === steps[first]!.beat &&
    steps[first - 1]!.shift === steps[first]!.shift
  )
    first--;
  const last = steps[keep - 1]!;
  return last.outputStart + at(last.beat + 1) - at(last.beat) - steps[first]!.outputStart;
}

import type { BeatAnalysis } from "../analysis/beats.ts";
import { detectEnding } from "../analysis/form.ts";
import type { LoudnessProfile, PulseProfile } from "../analysis/continuity.ts";
import type { JumpGraph } from "./jump-graph.ts";

/** A join whose loudness changes by more than this (LU, 3 s either side) is paid for, steeply. */
const LOUDNESS_FREE_LU = 0.75;
const LOUDNESS_PENALTY_PER_LU = 3;
/** A join where the pulse is ambiguous on either side costs up to this much. */
const PULSE_PENALTY = 1.5;
/** Optional jumps need at least this pulse clarity on both sides (see PulseProfile.clarity). */
const OPTIONAL_JUMP_MIN_CLARITY = 0.3;

/** A stretch of the original (samples [start, end)) appended to the result. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

export type Ending =
  /** The song's own last part from beat `beat` on, then `padSamples` of silence (negative: trailing silence cut). */
  | { readonly kind: "outro"; readonly beat: number; readonly padSamples: number }
  /** The path runs to the target and fades out from `fadeStart` (samples in the result). */
  | { readonly kind: "fade"; readonly fadeStart: number };

export interface RemixPlan {
  /** Ranges after the untouched original, in order; neighbours with start === previous end are continuous. */
  readonly ranges: SourceRange[];
  readonly ending: Ending;
  /** Joins between non-contiguous material after the original. */
  readonly jumps: number;
}

/** One option at a decision point: play `beat` next; `cost` = continuity + variety penalty (lower is better). */
export interface Choice {
  readonly beat: number;
  readonly cost: number;
}

/**
 * Called at most every `intervalSeconds` of output with the ranked choices; returns the index of the one to take.
 * `outputRanges` are the ranges planned so far (for rendering the context the guide listens to).
 */
export interface Steering {
  readonly intervalSeconds: number;
  choose(choices: readonly Choice[], outputPosition: number, outputRanges: readonly SourceRange[]): Promise<number>;
}

export interface PlanOptions {
  /** Exact result length, samples. */
  readonly targetSamples: number;
  readonly fadeOutSamples: number;
  /** Half of the crossfade, samples: cuts are placed this far (plus a margin) before the beat. */
  readonly crossfadeSamples: number;
  readonly random: () => number;
  /** Material heard less than this long ago is not replayed when avoidable, seconds (default 20–30 by song length). */
  readonly minRepeatSeconds?: number;
  /** Beats played straight before another optional jump. */
  readonly minRunBeats?: number;
  /** Chance per eligible beat of taking a good optional jump (remix without a guide). */
  readonly jumpProbability?: number;
  readonly steering?: Steering;
  readonly onProgress?: (outputPosition: number) => void;
  /** Short-term loudness of the original: joins keep it continuous. */
  readonly loudness?: LoudnessProfile;
  /** The song's pulse: jump targets are nudged so that it continues across each join. */
  readonly pulse?: PulseProfile;
}

/** Where a beat's audio is cut: a little before the detected beat, so crossfades end before the attack. */
export function cutPositions(analysis: BeatAnalysis, crossfadeSamples: number): number[] {
  const preroll = Math.round(crossfadeSamples / 2 + 0.012 * analysis.sampleRate);
  return analysis.beats.map((b) => Math.max(0, b - preroll));
}

/** A song "ends" when it has trailing silence or its last second is much quieter than its typical beat. */
export function hasNaturalEnding(analysis: BeatAnalysis): boolean {
  return detectEnding(analysis).hasEnding;
}

interface WalkStep {
  readonly beat: number;
  /** Output position of the beat's cut. */
  readonly outputStart: number;
  /** Samples the beat is read late (positive) or early, to keep the pulse across the jump that led here. */
  readonly shift: number;
}

/**
 * Plans the continuation: a walk over the song's beats that jumps between beats with similar context,
 * never replays material heard less than minRepeatSeconds ago when it can avoid it, and ends either with the
 * song's own ending (fitted to the exact target length) or with a fade.
 */
export async function planRemix(analysis: BeatAnalysis, graph: JumpGraph, options: PlanOptions): Promise<RemixPlan> {
  const sampleRate = analysis.sampleRate;
  const length = analysis.length;
  const target = options.targetSamples;
  // Material heard less than ~30 s ago is not replayed; a short song can't spare that much, but never under 20 s.
  const playableSeconds = ((cutPositions(analysis, 0)[graph.lastPlayable] ?? length) - (analysis.beats[graph.firstPlayable] ?? 0)) / sampleRate;
  const minRepeat = (options.minRepeatSeconds ?? Math.max(20, Math.min(30, 0.5 * playableSeconds))) * sampleRate;
  const minRun = options.minRunBeats ?? 16;
  const jumpProbability = options.jumpProbability ?? 0.08;
  const cuts = cutPositions(analysis, options.crossfadeSamples);
  const n = cuts.length;
  const beatEnd = (b: number) => cuts[b + 1] ?? length;
  const beatLength = analysis.beatSamples;
  const costScale = typicalJumpCost(graph);
  const natural = hasNaturalEnding(analysis);
  const { loudness, pulse } = options;
  const loudnessPenalty = (change: number) => LOUDNESS_PENALTY_PER_LU * Math.max(0, change - LOUDNESS_FREE_LU);

  // Output position at which each beat was last heard; the untouched original plays every beat once.
  const lastHeard = cuts.map((c) => c);
  const timesHeard = cuts.map(() => 1);
  const stalePenalty = (beat: number, at: number) => {
    const ago = at - (lastHeard[beat] ?? -Infinity);
    if (ago < minRepeat) return 10 + 10 * (1 - ago / minRepeat);
    // Fresher and less used material is preferred, so that the walk roams the whole song instead of
    // circling one stretch (a cycle just over minRepeat would otherwise be allowed forever).
    return 1.5 * (minRepeat / ago) + 0.75 * ((timesHeard[beat] ?? 1) - 1);
  };

  /** A jump target is only as fresh as the stretch it leads into (not just its first beat). */
  const aheadPenalty = (beat: number, at: number) =>
    Math.max(...[0, 4, 8, 16].map((k) => stalePenalty(Math.min(graph.lastPlayable, beat + k), at + k * beatLength)));

  // The beat grid continues past the end of the original: the first continuation beat lands on it.
  let last = n - 1;
  while (last > 0 && cuts[last]! >= length) last--;
  let virtualNext = cuts[last]! + beatLength;
  let virtualBeats = 1;
  while (virtualNext < length + 4 * options.crossfadeSamples) {
    virtualNext += beatLength;
    virtualBeats++;
  }
  const leadIn = virtualNext - length;
  const contextBeat = Math.min(last, graph.lastPlayable + 2);

  const steps: WalkStep[] = [];
  const entrance = chooseEntrance();
  steps.push(entrance.step);
  lastHeard[entrance.step.beat] = entrance.step.outputStart;
  let current = entrance.step.beat;
  let shift = entrance.step.shift;
  let position = entrance.step.outputStart + beatEnd(current) - cuts[current]!;
  let run = 0;
  let nextSteerAt = options.steering ? position : Infinity;
  const rangesSoFar = (): SourceRange[] => stepsToRanges(steps, cuts, beatEnd, entrance.sourceStart);
  const endOfWalk = natural ? target + beatLength : target;

  while (position < endOfWalk) {
    const next = current + 1;
    const linearAllowed = next <= graph.lastPlayable && next >= graph.firstPlayable;
    const linearCost = linearAllowed ? stalePenalty(next, position) : Infinity;
    const jumps = (graph.jumps[current] ?? []).filter((j) => j.to <= graph.lastPlayable);
    const stop = beatEnd(current) + shift;
    const jumpChoices: (Choice & { loudnessChange: number; smooth: number; pulseClarity: number })[] = jumps
      .map((j) => {
        const smooth = j.cost / costScale + 0.5 + aheadPenalty(j.to, position) + loudnessPenalty(j.loudnessChange);
        const pulseClarity = pulse ? pulse.clarity(stop, cuts[j.to]!) : 1;
        return {
          beat: j.to,
          cost: smooth + PULSE_PENALTY * (1 - pulseClarity),
          smooth,
          pulseClarity,
          loudnessChange: j.loudnessChange,
        };
      })
      .sort((a, b) => a.cost - b.cost);
    const choices: Choice[] = linearAllowed ? [{ beat: next, cost: linearCost }, ...jumpChoices] : jumpChoices;
    if (choices.length === 0) break;

    let chosen: Choice;
    const forced = !linearAllowed || linearCost >= 10;
    if (options.steering && position >= nextSteerAt && (forced || run >= 4)) {
      const ranked = [...choices].sort((a, b) => a.cost - b.cost).slice(0, 12);
      const index = await options.steering.choose(ranked, position, rangesSoFar());
      chosen = ranked[Math.max(0, Math.min(ranked.length - 1, index))]!;
      nextSteerAt = position + options.steering.intervalSeconds * sampleRate;
    } else if (forced) {
      chosen = jumpChoices[0] ?? choices[0]!;
    } else {
      // Optional jumps leave at the end of a bar, only where they are smooth in sound and loudness and the
      // pulse is clear on both sides.
      const best = jumpChoices.find((j) => j.pulseClarity >= OPTIONAL_JUMP_MIN_CLARITY);
      const takeJump =
        !options.steering &&
        best !== undefined &&
        run >= minRun &&
        graph.isDownbeat(next) &&
        best.smooth <= 1.6 &&
        best.loudnessChange <= 1 &&
        options.random() < jumpProbability;
      chosen = takeJump ? best : choices[0]!;
    }
    if (chosen.beat !== next) {
      run = 0;
      shift = pulse ? pulse.alignment(beatEnd(current) + shift, cuts[chosen.beat]!) : 0;
    } else {
      run++;
    }
    steps.push({ beat: chosen.beat, outputStart: position, shift });
    lastHeard[chosen.beat] = position;
    timesHeard[chosen.beat] = (timesHeard[chosen.beat] ?? 1) + 1;
    position += beatEnd(chosen.beat) - cuts[chosen.beat]!;
    current = chosen.beat;
    options.onProgress?.(Math.min(position, target));
  }

  if (natural) {
    const ending = chooseOutro(analysis, graph, cuts, steps, {
      length,
      target,
      beatLength,
      leadIn,
      virtualNext,
      contextBeat,
      costScale,
      pulse,
    });
    if (ending) {
      const kept = steps.slice(0, ending.keep);
      const ranges = stepsToRanges(kept, cuts, beatEnd, entrance.sourceStart);
      ranges.push({ start: ending.start, end: length });
      return { ranges, ending: { kind: "outro", beat: ending.beat, padSamples: ending.pad }, jumps: ranges.length };
    }
  }
  const ranges = stepsToRanges(steps, cuts, beatEnd, entrance.sourceStart);
  const fadeLength = Math.min(options.fadeOutSamples, Math.max(0, target - length));
  // Start the fade on a beat so it reads as a phrase ending.
  const fadeStartIdeal = target - fadeLength;
  const onBeat = steps.reduce(
    (best, s) => (Math.abs(s.outputStart - fadeStartIdeal) < Math.abs(best - fadeStartIdeal) ? s.outputStart : best),
    fadeStartIdeal,
  );
  const fadeStart = Math.abs(onBeat - fadeStartIdeal) <= beatLength && onBeat > length ? onBeat : fadeStartIdeal;
  return { ranges, ending: { kind: "fade", fadeStart: Math.max(length, Math.min(target, fadeStart)) }, jumps: ranges.length };

  /**
   * The first step after the original: the walk jumps, on the continued beat grid and in the same place of the
   * bar, to the beat that best matches the song's last seconds in sound and loudness (never back to the top:
   * the graph's playable beats start after the intro).
   */
  function chooseEntrance(): { step: WalkStep; sourceStart: number } {
    const endLufs = loudness?.before(length);
    let best: { beat: number; cost: number } | undefined;
    for (let to = graph.firstPlayable + 1; to <= graph.lastPlayable; to++) {
      if (cuts[to]! - leadIn < 0) continue;
      if (!graph.samePlaceInBar(to, last + virtualBeats)) continue;
      const change = endLufs === undefined ? 0 : Math.abs(loudness!.after(cuts[to]! - leadIn) - endLufs);
      const cost = graph.transitionCost(contextBeat, to) / costScale + loudnessPenalty(change) + 0.2 * change;
      if (!best || cost < best.cost) best = { beat: to, cost };
    }
    const beat = best?.beat ?? graph.firstPlayable + 1;
    const shiftHere = pulse ? pulse.alignment(length, cuts[beat]! - leadIn) : 0;
    return { step: { beat, outputStart: virtualNext, shift: shiftHere }, sourceStart: cuts[beat]! - leadIn + shiftHere };
  }
}

/** Median cost of each beat's best jump: costs are compared relative to what this song offers. */
function typicalJumpCost(graph: JumpGraph): number {
  const best = graph.jumps.map((j) => j[0]?.cost ?? Infinity).filter(Number.isFinite).sort((a, b) => a - b);
  return Math.max(1e-6, best[Math.floor(best.length / 2)] ?? 1);
}

/** Consecutive beats merged into ranges; the first range starts at `firstStart` (its lead-in before the first cut). */
function stepsToRanges(
  steps: readonly WalkStep[],
  cuts: readonly number[],
  beatEnd: (b: number) => number,
  firstStart: number,
): SourceRange[] {
  const ranges: { start: number; end: number }[] = [];
  for (const [i, step] of steps.entries()) {
    const start = cuts[step.beat]! + step.shift;
    const end = beatEnd(step.beat) + step.shift;
    const previous = ranges[ranges.length - 1];
    if (i === 0) ranges.push({ start: Math.max(0, firstStart), end });
    else if (previous && previous.end === start) previous.end = end;
    else ranges.push({ start, end });
  }
  return ranges;
}

interface OutroContext {
  readonly length: number;
  readonly target: number;
  readonly beatLength: number;
  readonly leadIn: number;
  readonly virtualNext: number;
  readonly contextBeat: number;
  readonly costScale: number;
  readonly pulse?: PulseProfile;
}

/**
 * The best place to leave the walk for the song's own ending: after `keep` walk steps, jump to beat `beat`
 * and play to the end, so that the result is within one beat of the target (the rest is silence after the
 * final note, or trailing silence cut).
 */
function chooseOutro(
  analysis: BeatAnalysis,
  graph: JumpGraph,
  cuts: readonly number[],
  steps: readonly WalkStep[],
  context: OutroContext,
): { keep: number; beat: number; pad: number; start: number } | undefined {
  const { length, target, beatLength, costScale } = context;
  const trailingQuiet = Math.max(0, length - analysis.soundEnd);
  const maxPad = Math.round(1.1 * beatLength);
  const maxOutro = Math.max(beatLength * 4, Math.min(30 * analysis.sampleRate, 0.5 * length));
  let best: { keep: number; beat: number; pad: number; cost: number } | undefined;
  for (let keep = 0; keep <= steps.length; keep++) {
    const outputEnd = keep === 0 ? context.virtualNext : steps[keep]?.outputStart ?? endOf(steps, cuts, length);
    const previous = keep === 0 ? context.contextBeat : steps[keep - 1]!.beat;
    for (let beat = graph.firstPlayable; beat < cuts.length; beat++) {
      // Straight after the original, the outro starts mid-beat so that its beats stay on the grid.
      const sourceStart = keep === 0 ? cuts[beat]! - context.leadIn : cuts[beat]!;
      const outro = length - sourceStart;
      if (outro > maxOutro || outro <= 0 || sourceStart < 0) continue;
      const startAt = keep === 0 ? length : outputEnd;
      const pad = target - (startAt + outro);
      if (pad > maxPad || pad < -trailingQuiet) continue;
      const transition = graph.transitionCost(previous, beat);
      const shortOutro = outro < 4 * beatLength ? 1 : 0;
      const offMetre = graph.samePlaceInBar(previous + 1, beat) ? 0 : 1;
      const loudness = LOUDNESS_PENALTY_PER_LU * Math.max(0, graph.loudnessChange(previous + 1, beat) - LOUDNESS_FREE_LU);
      const cost = transition / costScale + (Math.abs(pad) / beatLength) * 0.3 + shortOutro + offMetre + loudness;
      if (!best || cost < best.cost) best = { keep, beat, pad, cost };
    }
  }
  if (!best) return undefined;
  if (best.keep === 0) return { ...best, start: cuts[best.beat]! - context.leadIn };
  // Keep the pulse across the jump into the outro; the pad absorbs the difference.
  const before = steps[best.keep - 1]!;
  const stop = (cuts[before.beat + 1] ?? length) + before.shift;
  const shift = context.pulse ? context.pulse.alignment(stop, cuts[best.beat]!) : 0;
  return { keep: best.keep, beat: best.beat, pad: best.pad + shift, start: cuts[best.beat]! + shift };
}

function endOf(steps: readonly WalkStep[], cuts: readonly number[], length: number): number {
  const last = steps[steps.length - 1];
  if (!last) return 0;
  return last.outputStart + ((cuts[last.beat + 1] ?? length) - cuts[last.beat]!);
}

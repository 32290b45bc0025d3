import { BEATS_PER_BAR } from "../analysis/bars.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import type { LoudnessProfile } from "../analysis/continuity.ts";
import { createBeatVectoriser, LEVEL_SCALE_DB, vectorDistance } from "../analysis/beat-vectors.ts";
import { finish, type Steps } from "../quality/steps.ts";

/** How many beats before a jump target must resemble the beats before the jump. */
export const CONTEXT_BEATS = 4;
/** Beats (about 3–4 s) whose mean level after a jump should match what the song would have played. */
const LOUDNESS_CONTEXT_BEATS = 8;
/** One LU of short-term loudness change across a join costs this much (feature distances are about 0.3–1). */
const LOUDNESS_COST_PER_LU = 0.35;

export interface Jump {
  /** Beat played instead of `from + 1`. */
  readonly to: number;
  /** Mean feature distance of the 4-beat contexts plus the loudness change, lower is smoother. */
  readonly cost: number;
  /** |short-term loudness of the 3 s after the target - that of the 3 s before the jump|, LU (0 without a profile). */
  readonly loudnessChange: number;
}

export interface JumpGraph {
  readonly beatCount: number;
  /** Feature distance between two beats. */
  readonly distance: (a: number, b: number) => number;
  /** Cost of playing beat `to` right after beat `from` (0 when `to` is `from + 1`). */
  readonly transitionCost: (from: number, to: number) => number;
  /** |loudness of the 3 s from beat `to` - loudness of the 3 s before beat `next`|, LU. */
  readonly loudnessChange: (next: number, to: number) => number;
  /** Loudness of the 3 s before beat `next` - that of the 3 s from beat `to`, LU: above 0 into quieter material. */
  readonly loudnessStep?: (next: number, to: number) => number;
  /** Whether beat b starts a bar (always true without a downbeat phase). */
  readonly isDownbeat: (b: number) => boolean;
  /** Whether beats a and b have the same place in the bar (always true without a downbeat phase). */
  readonly samePlaceInBar: (a: number, b: number) => boolean;
  /** For each beat, the best jump targets, cheapest first. */
  readonly jumps: readonly (readonly Jump[])[];
  /** Beats a path may play and jump to (no leading or trailing silence). */
  readonly firstPlayable: number;
  readonly lastPlayable: number;
}

export interface JumpGraphOptions {
  /** Targets kept per beat. */
  readonly maxJumpsPerBeat?: number;
  /** Jumps to beats closer than this to the natural next beat are useless: excluded. */
  readonly minSeparationBeats?: number;
  /** Short-term loudness of the original: jumps keep it continuous across the join. */
  readonly loudness?: LoudnessProfile;
  /** Downbeat phase (beats b with b % 4 === phase start a bar): jumps keep the position in the bar. */
  readonly downbeatPhase?: number;
  /** No jump lands before this beat (the song's intro is played once, at the start). */
  readonly firstBeat?: number;
}

export function buildJumpGraph(analysis: BeatAnalysis, settings: JumpGraphOptions = {}): JumpGraph {
  return finish(jumpGraphSteps(analysis, settings));
}

/** buildJumpGraph in steps (quality/steps.ts), one per beat's jumps, so that a caller can let a stop through. */
export function* jumpGraphSteps(analysis: BeatAnalysis, settings: JumpGraphOptions = {}): Steps<JumpGraph> {
  const { vectors } = createBeatVectoriser(analysis);
  const n = vectors.length;
  const distance = distanceMatrix(vectors);
  const levelAhead = meanLevelAhead(analysis.features.levelDb);

  const loudness = settings.loudness;
  /** Loudness of the 3 s before `next` - loudness of the 3 s after `to`, LU. */
  const loudnessStep = (next: number, to: number): number => {
    if (!loudness) return 0;
    const at = (b: number) => analysis.beats[b] ?? analysis.length;
    return loudness.before(at(next)) - loudness.after(at(to));
  };
  const loudnessChange = (next: number, to: number): number => Math.abs(loudnessStep(next, to));

  /** Beats next-o (the listener's expectation) against to-o (what is played), o = 0..3. */
  const transitionCost = (from: number, to: number): number => {
    const next = from + 1;
    if (to === next) return 0;
    let sum = 0;
    let count = 0;
    for (let o = 0; o < CONTEXT_BEATS; o++) {
      const expected = next - o;
      const played = to - o;
      if (expected < 0 || played < 0 || expected >= n || played >= n) continue;
      // The beat itself weighs most; the beats before it confirm the context.
      const weight = o === 0 ? 2 : 1;
      sum += weight * distance(expected, played);
      count += weight;
    }
    if (count === 0) return Infinity;
    // The loudness of the next few seconds should be what the song itself would have played next.
    const expectedLevel = levelAhead(next);
    const playedLevel = levelAhead(to);
    const loudnessJump =
      Number.isFinite(expectedLevel) && Number.isFinite(playedLevel) ? Math.abs(expectedLevel - playedLevel) : 0;
    return sum / count + loudnessJump / LEVEL_SCALE_DB + LOUDNESS_COST_PER_LU * loudnessChange(next, to);
  };

  const phase = settings.downbeatPhase;
  const isDownbeat = (b: number) =>
    phase === undefined || ((b % BEATS_PER_BAR) + BEATS_PER_BAR) % BEATS_PER_BAR === phase;
  const playable = playableRange(analysis);
  const firstPlayable = Math.min(playable.lastPlayable, Math.max(playable.firstPlayable, settings.firstBeat ?? 0));
  let lastPlayable = playable.lastPlayable;
  // The walk must be able to leave its last playable beat: let that beat end a bar.
  while (lastPlayable > firstPlayable + BEATS_PER_BAR && !isDownbeat(lastPlayable + 1)) lastPlayable--;
  const jumps: Jump[][] = [];
  for (let from = 0; from < n; from++) {
    const options: Jump[] = [];
    for (let to = firstPlayable + 1; to <= lastPlayable; to++) {
      if (Math.abs(to - (from + 1)) < (settings.minSeparationBeats ?? 8)) continue;
      // Same place in the bar on both sides, so the metre runs on across the join.
      if (phase !== undefined && (to - from - 1) % BEATS_PER_BAR !== 0) continue;
      options.push({ to, cost: transitionCost(from, to), loudnessChange: loudnessChange(from + 1, to) });
    }
    jumps.push(spreadOut(options, settings.maxJumpsPerBeat ?? 12));
    yield;
  }
  const samePlaceInBar = (a: number, b: number) => phase === undefined || (a - b) % BEATS_PER_BAR === 0;
  return {
    beatCount: n,
    distance,
    transitionCost,
    loudnessChange,
    loudnessStep,
    isDownbeat,
    samePlaceInBar,
    jumps,
    firstPlayable,
    lastPlayable,
  };
}

/** Feature distance between every two beats, from a symmetric matrix computed once. */
function distanceMatrix(vectors: readonly Float32Array[]): (a: number, b: number) => number {
  const n = vectors.length;
  const matrix = new Float32Array(n * n);
  for (let a = 0; a < n; a++) {
    const va = vectors[a]!;
    for (let b = a + 1; b < n; b++) {
      const distance = vectorDistance(va, vectors[b]!);
      matrix[a * n + b] = distance;
      matrix[b * n + a] = distance;
    }
  }
  return (a, b) => matrix[a * n + b] ?? Infinity;
}

/** Mean level (dB) of up to LOUDNESS_CONTEXT_BEATS beats from a beat, from prefix sums. */
function meanLevelAhead(levels: Float32Array): (from: number) => number {
  const n = levels.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + Math.max(-90, levels[i]!);
  return (from) => {
    const to = Math.min(n, from + LOUDNESS_CONTEXT_BEATS);
    return to > from ? (prefix[to]! - prefix[from]!) / (to - from) : NaN;
  };
}

/** The cheapest `count` jumps, at least 4 beats apart, so that choices spread over the song and differ in substance. */
function spreadOut(options: Jump[], count: number): Jump[] {
  options.sort((x, y) => x.cost - y.cost);
  const kept: Jump[] = [];
  for (const option of options) {
    if (kept.length >= count) break;
    if (kept.every((k) => Math.abs(k.to - option.to) >= 4)) kept.push(option);
  }
  return kept;
}

/** A quiet stretch at the very end this far below the typical beat is the song's ending, not walk material. */
const ENDING_QUIET_DB = 6;
/** At most this share of the song counts as its quiet ending. */
const MAX_ENDING_SHARE = 0.25;

/**
 * Beats that lie inside the sounding part, without the song's quiet ending (its final decay or fade is kept
 * for the outro, not for the walk); the last two are kept out as well.
 */
function playableRange(analysis: BeatAnalysis): { firstPlayable: number; lastPlayable: number } {
  const { beats, soundStart, soundEnd, features, medianLevelDb } = analysis;
  let firstPlayable = beats.findIndex((b) => b >= soundStart);
  if (firstPlayable < 0) firstPlayable = 0;
  let lastPlayable = beats.length - 1;
  while (lastPlayable > firstPlayable && (beats[lastPlayable + 1] ?? analysis.length) > soundEnd) lastPlayable--;
  const floor = Math.max(firstPlayable, Math.floor(lastPlayable - MAX_ENDING_SHARE * (lastPlayable - firstPlayable)));
  let quietEnd = lastPlayable;
  while (quietEnd > floor && features.levelDb[quietEnd]! < medianLevelDb - ENDING_QUIET_DB) quietEnd--;
  lastPlayable = Math.max(firstPlayable, quietEnd - 2);
  return { firstPlayable, lastPlayable };
}

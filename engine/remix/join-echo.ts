import { NEAR_IDENTICAL_DISTANCE } from "../analysis/beat-vectors.ts";
import type { JumpGraph } from "./jump-graph.ts";

/** The loop metric's shortest window: a repeat is heard over at least this long (quality/loops.ts). */
const MIN_ECHO_SECONDS = 2;
/** Share of beats that must match for two stretches to sound the same (as the loop metric's share of blocks). */
export const ALIKE_SHARE = 0.8;
/**
 * When looking for loops, beats count as the same audio within this many times NEAR_IDENTICAL_DISTANCE: the loop
 * measure finds each lag at frame resolution, closer than the beat grid's pairs (colobot Humanitarian's join matched
 * 77 % at 1x, 80 % needed).
 */
const LOOP_MARGIN = 1.5;

/** Whether two beats sound alike enough to make a loop heard (the loop measure's "same audio", with LOOP_MARGIN). */
export const loopAlike = (graph: JumpGraph, a: number, b: number): boolean =>
  graph.distance(a, b) < LOOP_MARGIN * NEAR_IDENTICAL_DISTANCE;

/** A join out of the song after beat `from` into beat `entry`, with the contiguous run played up to it. */
export interface JoinEcho {
  readonly from: number;
  readonly entry: number;
  /** Beats the entry's phrase holds from `entry` on. */
  readonly entryBeats: number;
  /** Samples of the song played contiguously up to the join (the run that ends with beat `from`). */
  readonly runSamples: number;
  readonly sampleRate: number;
  /** Shortest back-to-back repeat that is not a loop, seconds (MIN_REPLAY_SECONDS). */
  readonly maxSeconds: number;
}

/**
 * Whether entering at `entry` plays again, straight away, what was just played: for some period of m beats (shorter
 * than maxSeconds), the entry's first m beats sound like the m beats before the join, ALIKE_SHARE of them loopAlike
 * (over MIN_ECHO_SECONDS for a shorter period, as the loop metric hears it: shortEchoAlike), while the song's own next
 * m beats do not
 * (where the song itself repeats, the join only carries the song's repeat on). This is a back-to-back loop the
 * phrases' starts do not show: the entry's phrase is not alike to the one just played, only its first seconds are to
 * the last seconds heard.
 */
export function echoesJustPlayed(graph: JumpGraph, join: JoinEcho, at: (beat: number) => number): boolean {
  return echoHeard(join, echoBeats(graph, join, at), at);
}

/** Whether an echo of m beats at `join` (echoBeats) is heard: the run before the join and the entry are that long. */
export function echoHeard(
  join: Pick<JoinEcho, "from" | "entryBeats" | "runSamples">,
  m: number | undefined,
  at: (beat: number) => number,
): boolean {
  return m !== undefined && m <= join.entryBeats && at(join.from + 1) - at(join.from + 1 - m) <= join.runSamples;
}

/**
 * The fewest beats m of an echo (see echoesJustPlayed) at the join out of beat `from` into `entry`, whatever the run
 * before it and the beats played from the entry (an echo of m beats needs both that long): undefined for none. A
 * planner weighing the same join for runs and entries of many lengths reads it once.
 */
export function echoBeats(
  graph: JumpGraph,
  join: Pick<JoinEcho, "from" | "entry" | "sampleRate" | "maxSeconds">,
  at: (beat: number) => number,
): number | undefined {
  const end = join.from + 1;
  const limit = Math.min(end, graph.beatCount - join.entry);
  for (let m = 2; m <= limit; m++) {
    const span = at(end) - at(end - m);
    if (span >= join.maxSeconds * join.sampleRate) break;
    const alike =
      span >= MIN_ECHO_SECONDS * join.sampleRate
        ? runsAlike(graph, end - m, join.entry, m)
        : shortEchoAlike(graph, { end, entry: join.entry, m }, echoWindowBeats(end, m, join.sampleRate, at));
    if (!alike) continue;
    if (end + m <= graph.beatCount && runsAlike(graph, end - m, end, m)) continue;
    return m;
  }
  return undefined;
}

/**
 * Whether ALIKE_SHARE of the m beats from `a` are loopAlike the m beats from `b`: the two runs make a loop heard.
 * Given up once the beats left cannot reach the share (the walk asks this of every choice at every join, and most
 * runs are unlike from their first beats).
 */
export function runsAlike(graph: JumpGraph, a: number, b: number, m: number): boolean {
  const needed = ALIKE_SHARE * m;
  let reachable = m;
  for (let k = 0; k < m; k++) if (!loopAlike(graph, a + k, b + k) && --reachable < needed) return false;
  return true;
}

/** Beats before `end` that make up the loop metric's shortest window for a period of m beats: MIN_ECHO_SECONDS. */
function echoWindowBeats(end: number, m: number, sampleRate: number, at: (beat: number) => number): number {
  let w = m;
  while (w < end && at(end) - at(end - w) < MIN_ECHO_SECONDS * sampleRate) w++;
  return w;
}

/**
 * A period of m beats shorter than MIN_ECHO_SECONDS: the loop metric still hears it, over a window of w beats (its 2 s)
 * where ALIKE_SHARE of the pairs m beats apart match. The window holds the m pairs across the join (the m beats before
 * it against the entry's first m) and w - m pairs on one side or the other: the song's own pairs m beats apart before
 * the join, or the entry's after it (Castle at x1.99: a one-bar loop of 1.86 s).
 */
function shortEchoAlike(graph: JumpGraph, join: { end: number; entry: number; m: number }, w: number): boolean {
  const { end, entry, m } = join;
  const extra = w - m;
  const alike = (a: number, b: number) => a >= 0 && b < graph.beatCount && loopAlike(graph, a, b);
  const pairs = [
    ...Array.from({ length: extra }, (_, k) => alike(end - m - extra + k, end - extra + k)),
    ...Array.from({ length: m }, (_, k) => alike(end - m + k, entry + k)),
    ...Array.from({ length: extra }, (_, k) => alike(entry + k, entry + m + k)),
  ].map((match) => (match ? 1 : 0));
  let matching = pairs.slice(0, w).reduce((sum: number, v) => sum + v, 0);
  for (let k = w; ; k++) {
    if (matching >= ALIKE_SHARE * w) return true;
    if (k === pairs.length) return false;
    matching += pairs[k]! - pairs[k - w]!;
  }
}

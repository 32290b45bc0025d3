import type { BeatAnalysis } from "../analysis/beats.ts";
import type { JumpGraph } from "./jump-graph.ts";
import type { Phrase } from "./phrase.ts";

/**
 * Continue form goes where the song was heading. What the next minutes of a song are like is mostly its last 20–30 s
 * (FACTS.md: a recent-weighted average beats the whole song's by a wide margin), so right after the input the planner
 * prefers phrases made of the material of the input's last RECENT_SECONDS, and widens to the rest of the song only
 * gradually: the preference halves every HALF_LIFE_SECONDS of continuation.
 */
export const RECENT_SECONDS = 30;
const RECENCY_HALF_LIFE_SECONDS = 8;
export const HALF_LIFE_SECONDS = 90;
/** The cost, in the planner's units, of a phrase as unlike the recent material as the song's median phrase. */
export const FOLLOW_WEIGHT = 8;
/** Beats of a phrase compared with the recent material (its first bars carry its character). */
const BEATS_COMPARED = 16;

/**
 * For each phrase, how unlike the input's last RECENT_SECONDS it is: the mean distance of its beats to the beats of
 * that window, each weighted by its recency (halving every RECENCY_HALF_LIFE_SECONDS back from the input's end: the
 * last 10 s weigh most), scaled so the closest phrase is 0 and the median 1 (at most 2).
 */
export function recentLikeness(analysis: BeatAnalysis, graph: JumpGraph, phrases: readonly Phrase[]): number[] {
  const { sampleRate, length } = analysis;
  const recent: { beat: number; weight: number }[] = [];
  for (let b = graph.firstPlayable; b <= graph.lastPlayable; b++) {
    const ago = (length - (analysis.beats[b] ?? 0)) / sampleRate;
    if (ago <= RECENT_SECONDS) recent.push({ beat: b, weight: 0.5 ** (ago / RECENCY_HALF_LIFE_SECONDS) });
  }
  if (recent.length === 0 || phrases.length < 2) return phrases.map(() => 0);
  const totalWeight = recent.reduce((sum, r) => sum + r.weight, 0);
  const raw = phrases.map((phrase) => {
    let sum = 0;
    let count = 0;
    for (let b = phrase.start; b < Math.min(phrase.end, phrase.start + BEATS_COMPARED); b++) {
      for (const r of recent) sum += (r.weight * graph.distance(b, r.beat)) / totalWeight;
      count++;
    }
    return count > 0 ? sum / count : Infinity;
  });
  const finite = raw.filter(Number.isFinite).sort((a, b) => a - b);
  const lowest = finite[0] ?? 0;
  const median = finite[Math.floor(finite.length / 2)] ?? lowest;
  const spread = Math.max(1e-6, median - lowest);
  return raw.map((d) => (Number.isFinite(d) ? Math.min(2, (d - lowest) / spread) : 2));
}

/** The weight of the recent material at `secondsIn` seconds of continuation: 1 at the input's end, halving from there. */
export function followWeight(secondsIn: number): number {
  return FOLLOW_WEIGHT * 0.5 ** (Math.max(0, secondsIn) / HALF_LIFE_SECONDS);
}

/**
 * The cost, per mean phrase length, of playing a phrase beyond its share of the continuation so far. The input's body
 * after its intro, played as it is, is the closest single guess at what a song does next (docs/continuation.md:
 * median distance 6.22 on 19 tracks, against 7.35 for its last 10 s), but the walk's own rules (cheap joins, runs of
 * the song) leave some phrases played three times and others once: this keeps each phrase's time in the continuation
 * near its share of the body's time.
 */
export const SHARE_WEIGHT = 2;
/**
 * With fewer phrases than this, the variety rules alone fix the rotation (each phrase is needed in turn to avoid a
 * back-to-back loop or a repeated 30 s stretch), and a share to keep only leads the walk into dead ends: 30 s clips
 * in tests/engine/remix/look-ahead.test.ts replayed a phrase back to back with it.
 */
export const MIN_SHARED_PHRASES = 5;

/**
 * How far playing phrase `index` next would take it beyond its share of the continuation: (its time in the
 * continuation after it) minus (its share of the body's length) x (the continuation's time after it), in mean phrase
 * lengths, times SHARE_WEIGHT (negative for a phrase played less than its share); 0 for a body of fewer than
 * MIN_SHARED_PHRASES phrases.
 */
export function shareCost(lengths: readonly number[], timesUsed: readonly number[], index: number): number {
  if (lengths.length < MIN_SHARED_PHRASES) return 0;
  let body = 0;
  let played = 0;
  lengths.forEach((length, i) => {
    body += length;
    played += (timesUsed[i] ?? 0) * length;
  });
  const own = lengths[index]!;
  const after = ((timesUsed[index] ?? 0) + 1) * own;
  const share = own / Math.max(1, body);
  return (SHARE_WEIGHT * (after - share * (played + own))) / Math.max(1, body / lengths.length);
}

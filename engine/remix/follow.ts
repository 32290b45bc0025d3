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

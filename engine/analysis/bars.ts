import type { BeatAnalysis } from "./beats.ts";

export const BEATS_PER_BAR = 4;

/**
 * Which beat of the bar the beat indices start on: the phase k (0..3) whose beats (k, k + 4, ...) carry the
 * most harmonic change (chroma distance to the beat before) and onset strength, the two marks of a downbeat.
 * Beats b with b % 4 === k are taken as downbeats.
 */
export function downbeatPhase(analysis: BeatAnalysis): number {
  const { beats, features, onset } = analysis;
  const { envelope, hopSamples, offsetSamples } = onset;
  const strength = new Float64Array(BEATS_PER_BAR);
  const change = new Float64Array(BEATS_PER_BAR);
  for (let b = 1; b < beats.length; b++) {
    if (beats[b]! < analysis.soundStart || beats[b]! >= analysis.soundEnd) continue;
    const frame = Math.round((beats[b]! - offsetSamples) / hopSamples);
    let peak = 0;
    for (let f = frame - 1; f <= frame + 1; f++) peak = Math.max(peak, envelope[f] ?? 0);
    strength[b % BEATS_PER_BAR]! += peak;
    const a = features.chroma[b - 1]!;
    const c = features.chroma[b]!;
    let dot = 0;
    for (let k = 0; k < a.length; k++) dot += a[k]! * c[k]!;
    change[b % BEATS_PER_BAR]! += 1 - dot;
  }
  const normalise = (values: Float64Array) => {
    const total = values.reduce((s, v) => s + v, 0) || 1;
    return values.map((v) => v / total);
  };
  const s = normalise(strength);
  const c = normalise(change);
  let best = 0;
  for (let k = 1; k < BEATS_PER_BAR; k++) if (s[k]! + c[k]! > s[best]! + c[best]!) best = k;
  return best;
}

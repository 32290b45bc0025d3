/**
 * How far apart the closest two plays of the same stretch of the song are in a planned result: the figure the report
 * gives when the song's phrases ran out of fresh orders (engine/variety.ts's MAX_REPEAT_SECONDS rule).
 */

import { MAX_REPEAT_SECONDS } from "../variety.ts";

/** One beat of the result: the input's beat `beat` played from output sample `outputStart`. */
export interface PlayedBeat {
  readonly beat: number;
  readonly outputStart: number;
}

const MOD_A = 67_108_859;
const MOD_B = 67_108_837;
const BASE = 131;

/**
 * The shortest output distance (samples) between the starts of two runs of `windowBeats` beats that play the same
 * beats of the input in the same order; undefined when no such run plays twice. Linear in the length (rolling hashes,
 * every match checked beat by beat), so a 10-hour plan is read in milliseconds.
 */
export function shortestRepeatSamples(played: readonly PlayedBeat[], windowBeats: number): number | undefined {
  const w = Math.max(1, Math.round(windowBeats));
  if (played.length < w + 1) return undefined;
  let topA = 1;
  let topB = 1;
  for (let k = 1; k < w; k++) {
    topA = (topA * BASE) % MOD_A;
    topB = (topB * BASE) % MOD_B;
  }
  const latest = new Map<number, number>();
  const same = (i: number, j: number) => {
    for (let k = 0; k < w; k++) if (played[i + k]!.beat !== played[j + k]!.beat) return false;
    return true;
  };
  let hashA = 0;
  let hashB = 0;
  let shortest: number | undefined;
  for (let end = 0; end < played.length; end++) {
    const x = played[end]!.beat + 1;
    if (end >= w) {
      const out = played[end - w]!.beat + 1;
      hashA = (hashA - ((out * topA) % MOD_A) + MOD_A) % MOD_A;
      hashB = (hashB - ((out * topB) % MOD_B) + MOD_B) % MOD_B;
    }
    hashA = (hashA * BASE + x) % MOD_A;
    hashB = (hashB * BASE + x) % MOD_B;
    if (end < w - 1) continue;
    const start = end - w + 1;
    const key = hashA * MOD_B + hashB;
    const before = latest.get(key);
    if (before !== undefined && same(before, start)) {
      const distance = played[start]!.outputStart - played[before]!.outputStart;
      if (shortest === undefined || distance < shortest) shortest = distance;
    }
    latest.set(key, start);
  }
  return shortest;
}

/** 75.4 -> "1:15", 3725 -> "1:02:05". */
export function clockOf(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * When `played` (the result's beats, its ending's included) plays a MAX_REPEAT_SECONDS stretch of the song twice in
 * the same order: the shortfall in words, why (`reason`), and the shortest distance between two such plays (m:ss), and
 * that distance in samples.
 */
export function repeatShortfall(
  played: readonly PlayedBeat[],
  song: { readonly sampleRate: number; readonly beatSamples: number },
  reason: string | undefined,
): { readonly note: string; readonly shortestSamples: number } | undefined {
  const shortest = shortestRepeatSamples(played, Math.ceil((MAX_REPEAT_SECONDS * song.sampleRate) / song.beatSamples));
  if (shortest === undefined) return undefined;
  const note = `a stretch of ${MAX_REPEAT_SECONDS} s or more had to be played twice in the same order${reason ? ` (${reason})` : ""}; the closest two plays of the same ${MAX_REPEAT_SECONDS} s stretch start ${clockOf(shortest / song.sampleRate)} apart`;
  return { note, shortestSamples: shortest };
}

import { searchJoin } from "./join-steps.ts";

/** Half-width of the window whose sample steps a join should keep small (the ±2 ms a click lives in). */
const STEP_WINDOW_SECONDS = 0.002;
const CLICK_CONTEXT_SECONDS = 0.02;

/**
 * Shift in [-search, 0] (every 4th sample) where the crossfaded join, rendered in mono, has the smallest
 * largest sample step within ±2 ms relative to the median step of the 20 ms around it: the join least likely
 * to be heard as a click. `sampleRate` sets the windows; `half` is half the crossfade, samples.
 */
export function quietestShift(
  mono: Float32Array,
  a: number,
  b: number,
  search: number,
  sampleRate: number,
  half: number,
): number {
  const seamHalf = Math.max(1, Math.round(STEP_WINDOW_SECONDS * sampleRate));
  const context = Math.round(CLICK_CONTEXT_SECONDS * sampleRate);
  const reach = Math.max(half, seamHalf + context) + 1;
  // Steps of the context before the seam, then after it (k up to seamHalf + context, within [-reach, reach]).
  const rightEnd = Math.min(seamHalf + context, reach);
  const gains = { reach, half, ...crossfadeGains(reach, half) };
  return searchJoin(mono, [a, b], search, gains, { seamHalf, context, rightEnd });
}

/**
 * `shift` remembered for every pair of input positions it was asked about (a join search is made once per pair),
 * starting from the pairs already `known` (keys "a,b").
 */
export function memoisePair(
  shift: (a: number, b: number) => number,
  known = new Map<string, number>(),
): (a: number, b: number) => number {
  return (a, b) => {
    const key = `${a},${b}`;
    let value = known.get(key);
    if (value === undefined) {
      value = shift(a, b);
      known.set(key, value);
    }
    return value;
  };
}

/** Equal-power gains over k in [-reach, reach], centred on the join: the crossfade runs over [-half, half). */
function crossfadeGains(reach: number, half: number): { fadeOut: Float64Array; fadeIn: Float64Array } {
  const fadeOut = new Float64Array(2 * reach + 1);
  const fadeIn = new Float64Array(2 * reach + 1);
  for (let k = -reach; k <= reach; k++) {
    const t = Math.min(1, Math.max(0, (k + half + 0.5) / (2 * half)));
    fadeOut[k + reach] = Math.cos((Math.PI / 2) * t);
    fadeIn[k + reach] = Math.sin((Math.PI / 2) * t);
  }
  return { fadeOut, fadeIn };
}

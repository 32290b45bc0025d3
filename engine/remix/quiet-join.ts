import { loadJoin } from "./join-steps.ts";

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
  const length = mono.length;
  const seamHalf = Math.max(1, Math.round(STEP_WINDOW_SECONDS * sampleRate));
  const context = Math.round(CLICK_CONTEXT_SECONDS * sampleRate);
  const reach = Math.max(half, seamHalf + context) + 1;
  // Steps of the context before the seam, then after it (k up to seamHalf + context, within [-reach, reach]).
  const rightEnd = Math.min(seamHalf + context, reach);
  const n = context + Math.max(0, rightEnd - seamHalf);
  const gains = { reach, half, ...crossfadeGains(reach, half) };
  const join = loadJoin(mono, [a, b], search, gains, { seamHalf, context, rightEnd });
  const k = Math.floor(n / 2);
  let best = 0;
  let bestRatio = Infinity;
  for (let d = 0; d >= -search; d -= 4) {
    if (a + d - reach < 0 || b + d - reach < 0 || a + d + reach >= length || b + d + reach >= length) continue;
    // A shift whose median step is low enough cannot beat the best so far: counting the steps at or below that
    // settles most shifts before the context after the seam is rendered whole, and without selecting the median.
    if (join.measureShift(d, bestRatio - 1e-9, k) > k) continue;
    const ratio = stepRatio(join.peak(), n > 0 ? kthSmallest(join.steps, n, k) : 0);
    if (ratio < bestRatio - 1e-9) {
      bestRatio = ratio;
      best = d;
    }
  }
  return best;
}

/** The ratio a join's largest step makes with its context's median step. */
const stepRatio = (peak: number, median: number) => peak / Math.max(1e-9, median);

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

/** The k-th smallest of values[0, n) (0-based), reordering them in place: Hoare's quickselect. */
export function kthSmallest(values: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}

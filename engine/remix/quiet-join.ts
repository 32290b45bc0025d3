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
  const { fadeOut, fadeIn } = crossfadeGains(reach, half);
  const rendered = new Float32Array(2 * reach + 1);
  const around = new Float64Array(2 * context);
  let best = 0;
  let bestRatio = Infinity;
  for (let d = 0; d >= -search; d -= 4) {
    if (a + d - reach < 0 || b + d - reach < 0 || a + d + reach >= length || b + d + reach >= length) continue;
    // Only the steps within seamHalf + context of the join are read.
    for (let k = -seamHalf - context; k <= Math.min(reach, seamHalf + context); k++) {
      const outgoing = k < half ? mono[a + d + k]! : 0;
      const incoming = k >= -half ? mono[b + d + k]! : 0;
      rendered[k + reach] = fadeOut[k + reach]! * outgoing + fadeIn[k + reach]! * incoming;
    }
    const step = (k: number) => Math.abs(rendered[k + reach + 1]! - rendered[k + reach]!);
    let peak = 0;
    for (let k = -seamHalf; k < seamHalf; k++) peak = Math.max(peak, step(k));
    let n = 0;
    for (let k = -seamHalf - context; k < -seamHalf; k++) around[n++] = step(k);
    for (let k = seamHalf; k < seamHalf + context && k + reach + 1 < rendered.length; k++) around[n++] = step(k);
    const ratio = peak / Math.max(1e-9, n > 0 ? kthSmallest(around, n, Math.floor(n / 2)) : 0);
    if (ratio < bestRatio - 1e-9) {
      bestRatio = ratio;
      best = d;
    }
  }
  return best;
}

/** `shift` remembered for every pair of input positions it was asked about (a join search is made once per pair). */
export function memoisePair(shift: (a: number, b: number) => number): (a: number, b: number) => number {
  const known = new Map<string, number>();
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

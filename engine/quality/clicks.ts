/** A seam clicks when its largest sample step is this many times the local median step. */
export const CLICK_RATIO_THRESHOLD = 8;
const SEAM_WINDOW_SECONDS = 0.002;
const CONTEXT_SECONDS = 0.02;

/**
 * Largest |x[i+1] - x[i]| within ±2 ms of the seam over the median |x[i+1] - x[i]| of the 20 ms on either
 * side (seam window excluded), worst channel. Infinity when the context is digital silence and the seam is not.
 */
export function clickRatio(channels: readonly Float32Array[], sampleRate: number, seamSample: number): number {
  const half = Math.max(1, Math.round(SEAM_WINDOW_SECONDS * sampleRate));
  const context = Math.round(CONTEXT_SECONDS * sampleRate);
  let worst = 0;
  for (const x of channels) {
    const at = (i: number) => Math.abs((x[i + 1] ?? 0) - (x[i] ?? 0));
    let step = 0;
    for (let i = Math.max(0, seamSample - half); i < Math.min(x.length - 1, seamSample + half); i++)
      step = Math.max(step, at(i));
    const around: number[] = [];
    for (let i = Math.max(0, seamSample - half - context); i < seamSample - half; i++) around.push(at(i));
    for (let i = seamSample + half; i < Math.min(x.length - 1, seamSample + half + context); i++) around.push(at(i));
    around.sort((a, b) => a - b);
    const median = around[Math.floor(around.length / 2)] ?? 0;
    const ratio = median > 1e-7 ? step / median : step > 1e-4 ? Infinity : 0;
    worst = Math.max(worst, ratio);
  }
  return worst;
}

export function countClicks(
  channels: readonly Float32Array[],
  sampleRate: number,
  seamsSeconds: readonly number[],
): number {
  return seamsSeconds.filter(
    (s) => clickRatio(channels, sampleRate, Math.round(s * sampleRate)) > CLICK_RATIO_THRESHOLD,
  ).length;
}

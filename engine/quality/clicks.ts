/** A seam clicks when its largest sample step is this many times the local median step... */
export const CLICK_RATIO_THRESHOLD = 8;
/**
 * ...and, where the input's positions on either side of the seam are known, this many times the input's own largest
 * step at those positions: a beat's attack right after a cut is as steep in the song itself, and is no click.
 */
export const CLICK_OWN_STEP_FACTOR = 2;
const SEAM_WINDOW_SECONDS = 0.002;
const CONTEXT_SECONDS = 0.02;

/** Half the seam window, samples. */
const seamHalf = (sampleRate: number) => Math.max(1, Math.round(SEAM_WINDOW_SECONDS * sampleRate));

/** Largest |x[i+1] - x[i]| within ±2 ms of `at`, worst channel (the step clickRatio reads). */
export function largestStep(channels: readonly Float32Array[], sampleRate: number, at: number): number {
  const half = seamHalf(sampleRate);
  let step = 0;
  for (const x of channels)
    for (let i = Math.max(0, at - half); i < Math.min(x.length - 1, at + half); i++)
      step = Math.max(step, Math.abs(x[i + 1]! - x[i]!));
  return step;
}

/**
 * Largest |x[i+1] - x[i]| within ±2 ms of the seam over the median |x[i+1] - x[i]| of the 20 ms on either
 * side (seam window excluded), worst channel. Infinity when the context is digital silence and the seam is not.
 */
export function clickRatio(channels: readonly Float32Array[], sampleRate: number, seamSample: number): number {
  const half = seamHalf(sampleRate);
  const context = Math.round(CONTEXT_SECONDS * sampleRate);
  let worst = 0;
  for (const x of channels) {
    const at = (i: number) => Math.abs((x[i + 1] ?? 0) - (x[i] ?? 0));
    const step = largestStep([x], sampleRate, seamSample);
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

/** Whether a seam clicks: its ratio over the threshold, and its step over the input's own (when known) by the factor. */
export function isClick(ratio: number, step: number, ownStep: number | null): boolean {
  return ratio > CLICK_RATIO_THRESHOLD && (ownStep === null || step > CLICK_OWN_STEP_FACTOR * ownStep);
}

/** Seams (seconds) that click by the ratio alone: for results whose source positions are unknown. */
export function countClicks(
  channels: readonly Float32Array[],
  sampleRate: number,
  seamsSeconds: readonly number[],
): number {
  return seamsSeconds.filter(
    (s) => clickRatio(channels, sampleRate, Math.round(s * sampleRate)) > CLICK_RATIO_THRESHOLD,
  ).length;
}

/** Sample-level measurements on floats in [-1, 1]. */

/** Root mean square; 0 for no samples. */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / samples.length);
}

/** Largest absolute sample value; 0 for no samples. */
export function peak(samples: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < samples.length; i++) {
    const value = Math.abs(samples[i]!);
    if (value > max) max = value;
  }
  return max;
}

/** An amplitude (1 = full scale) in decibels relative to full scale; -Infinity for 0. */
export function dbfs(amplitude: number): number {
  return 20 * Math.log10(amplitude);
}

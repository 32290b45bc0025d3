import { fadeOutGain } from "../audio/fade.ts";
/**
 * Sample-level shaping shared by the extension engines: fades, crossfades and de-clicking.
 * All functions work in place on one channel unless they say otherwise.
 */

/** Equal-power fade-out over the last `length` samples of `samples[start, end)`. */
export function fadeOutTail(samples: Float32Array, end: number, length: number): void {
  const n = Math.min(length, end);
  for (let i = 0; i < n; i++) {
    const position = end - n + i;
    samples[position] = (samples[position] ?? 0) * fadeOutGain("sine", i, n);
  }
}

/**
 * Overlap-adds `incoming` onto `target` at `offset` with an equal-power crossfade of `overlap` samples:
 * target[offset, offset+overlap) fades out while incoming[0, overlap) fades in; the rest of `incoming` is copied.
 * `target` must be long enough for offset + incoming.length.
 */
export function crossfadeInto(target: Float32Array, offset: number, incoming: Float32Array, overlap: number): void {
  const n = Math.min(overlap, incoming.length);
  for (let i = 0; i < n; i++) {
    const t = (i + 0.5) / n;
    const fadeIn = Math.sin((t * Math.PI) / 2);
    const fadeOut = Math.cos((t * Math.PI) / 2);
    target[offset + i] = (target[offset + i] ?? 0) * fadeOut + (incoming[i] ?? 0) * fadeIn;
  }
  target.set(incoming.subarray(n), offset + n);
}

/**
 * Removes the step between `previousSample` and the start of `segment` by adding an offset that decays to zero
 * over `length` samples, so a join that cannot be crossfaded (the original must stay untouched) does not click.
 */
export function smoothJoin(segment: Float32Array, previousSample: number, length: number): void {
  const first = segment[0];
  if (first === undefined) return;
  const step = previousSample - first;
  const n = Math.min(length, segment.length);
  for (let i = 0; i < n; i++) {
    const weight = 0.5 * (1 + Math.cos((Math.PI * i) / n));
    segment[i] = (segment[i] ?? 0) + step * weight;
  }
}

export function clampInPlace(samples: Float32Array): void {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    samples[i] = s > 1 ? 1 : Math.max(s, -1);
  }
}

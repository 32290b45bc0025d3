import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import FFT from "fft.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/audio/", import.meta.url));

export async function fixtureBytes(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(FIXTURES + name));
}

export function sine(frequency: number, sampleRate: number, frames: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: frames },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate),
  );
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(length: number, seed = 12345): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/**
 * Frequency of the strongest spectral peak: Hann-windowed FFT over the largest power-of-two
 * prefix (after skipping `skip` samples of codec warm-up), refined by parabolic interpolation.
 */
export function dominantFrequency(samples: Float32Array, sampleRate: number, skip = 0): number {
  const usable = samples.length - skip;
  const size = 2 ** Math.floor(Math.log2(Math.min(usable, 16384)));
  const fft = new FFT(size);
  const input = new Array<number>(size);
  for (let i = 0; i < size; i++) input[i] = samples[skip + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  const spectrum = fft.createComplexArray() as number[];
  fft.realTransform(spectrum, input);
  const magnitude = (bin: number): number => Math.hypot(spectrum[2 * bin]!, spectrum[2 * bin + 1]!);
  let best = 1;
  for (let bin = 2; bin < size / 2; bin++) if (magnitude(bin) > magnitude(best)) best = bin;
  const [left, centre, right] = [magnitude(best - 1), magnitude(best), magnitude(best + 1)];
  const shift = (0.5 * (left - right)) / (left - 2 * centre + right);
  return ((best + shift) * sampleRate) / size;
}

/**
 * Index of the first sample where two channel lists differ (-1 when identical, -2 when the
 * channel counts or lengths differ). A plain loop: vitest's deep equality is slow on long typed arrays.
 */
export function firstDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length || a.some((channel, c) => channel.length !== b[c]!.length)) return -2;
  for (let c = 0; c < a.length; c++) {
    const x = a[c]!;
    const y = b[c]!;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  }
  return -1;
}

import type { PcmAudio } from "./pcm.ts";

/**
 * ITU-R BS.1770-4 K-weighting and block loudness, for what ebur128-wasm does not expose
 * (short-term loudness, more than two channels). Filter coefficients are derived for any
 * sample rate the way libebur128 does (high-shelf "pre-filter" then the RLB high-pass).
 */

export type Biquad = readonly [b0: number, b1: number, b2: number, a1: number, a2: number];

export function kWeightingFilters(sampleRate: number): readonly [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = [
    (vh + (vb * k) / q + k * k) / a0,
    (2 * (k * k - vh)) / a0,
    (vh - (vb * k) / q + k * k) / a0,
    (2 * (k * k - 1)) / a0,
    (1 - k / q + k * k) / a0,
  ];
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + k / q + k * k;
  const highPass: Biquad = [1, -2, 1, (2 * (k * k - 1)) / a0, (1 - k / q + k * k) / a0];
  return [shelf, highPass];
}

/** BS.1770 channel weights: 1 for the first three (L, R, C), 1.41 for the surrounds after them. */
export function channelWeight(index: number): number {
  return index < 3 ? 1 : 1.41;
}

/**
 * Sum over channels of weight * (K-weighted sample)^2, one value per frame: both filter stages in one pass per
 * channel, with no intermediate copies. Returns Float32Array[frames].
 */
export function kWeightedPower(audio: PcmAudio): Float32Array {
  return kWeighting(audio.sampleRate, audio.channels.length).power(audio.channels);
}

/** A K-weighting filter (both stages per channel) whose memory carries from one piece to the next: fed a whole
 * signal at once it gives kWeightedPower, fed it piece by piece the same values. */
export interface KWeighting {
  /** The K-weighted power of the next frames (every channel, equally long). */
  power(channels: readonly Float32Array[]): Float32Array;
}

/** A filter at rest. */
export function kWeighting(sampleRate: number, channelCount: number): KWeighting {
  const [[s0, s1, s2, sa1, sa2], [h0, h1, h2, ha1, ha2]] = kWeightingFilters(sampleRate);
  // Per channel: x1, x2, y1, y2, z1, z2.
  const memory = Array.from({ length: channelCount }, () => new Float64Array(6));
  return {
    power: (channels) => {
      const frames = channels[0]?.length ?? 0;
      const power = new Float32Array(frames);
      channels.forEach((channel, index) => {
        const weight = channelWeight(index);
        const m = memory[index]!;
        let [x1, x2, y1, y2, z1, z2] = m as unknown as [number, number, number, number, number, number];
        for (let i = 0; i < frames; i++) {
          const x = channel[i]!;
          const y = s0 * x + s1 * x1 + s2 * x2 - sa1 * y1 - sa2 * y2;
          x2 = x1;
          x1 = x;
          const z = h0 * y + h1 * y1 + h2 * y2 - ha1 * z1 - ha2 * z2;
          y2 = y1;
          y1 = y;
          z2 = z1;
          z1 = z;
          power[i]! += weight * z * z;
        }
        m.set([x1, x2, y1, y2, z1, z2]);
      });
      return power;
    },
  };
}

/** Mean of `power` over windows of `windowFrames` starting every `hopFrames` (whole windows only). */
export function windowMeans(power: Float32Array, windowFrames: number, hopFrames: number): Float64Array {
  if (power.length < windowFrames || windowFrames < 1) return new Float64Array(0);
  const count = Math.floor((power.length - windowFrames) / hopFrames) + 1;
  const means = new Float64Array(count);
  let sum = 0;
  let end = 0;
  let start = 0;
  for (let w = 0; w < count; w++) {
    const windowStart = w * hopFrames;
    while (end < windowStart + windowFrames) sum += power[end++]!;
    while (start < windowStart) sum -= power[start++]!;
    means[w] = sum / windowFrames;
  }
  return means;
}

export const loudnessOfPower = (meanPower: number): number => -0.691 + 10 * Math.log10(meanPower);
/** The mean K-weighted power of a loudness (LUFS): loudnessOfPower's inverse. */
export const powerOfLoudness = (lufs: number): number => 10 ** ((lufs + 0.691) / 10);

/** BS.1770 gated loudness: 400 ms blocks every 100 ms, -70 LUFS absolute gate, -10 LU relative gate. */
export function gatedLoudness(power: Float32Array, sampleRate: number): number {
  return gatedBlockLoudness(windowMeans(power, Math.round(0.4 * sampleRate), Math.round(0.1 * sampleRate)));
}

/** gatedLoudness from the mean power of its 400 ms blocks (windowMeans, or a meter fed the power piece by piece). */
export function gatedBlockLoudness(blocks: Float64Array): number {
  const aboveAbsolute = [...blocks].filter((block) => loudnessOfPower(block) > -70);
  if (aboveAbsolute.length === 0) return -Infinity;
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  const relativeGate = loudnessOfPower(mean(aboveAbsolute)) - 10;
  const aboveRelative = aboveAbsolute.filter((block) => loudnessOfPower(block) > relativeGate);
  return loudnessOfPower(mean(aboveRelative));
}

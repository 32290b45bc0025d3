import type { PcmAudio } from "./pcm.ts";
import { kWeightedPair } from "./sample-kernels.ts";

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
  const [shelf, highPass] = kWeightingFilters(sampleRate);
  // Per channel: x1, x2, y1, y2, z1, z2.
  const memory = Array.from({ length: channelCount }, () => new Float64Array(6));
  return {
    power: (channels) => {
      const power = new Float32Array(channels[0]?.length ?? 0);
      // Two channels per pass: their filters are independent chains the processor runs side by side. Each sample's
      // power is still summed channel by channel, in channel order.
      for (let c = 0; c < channels.length; c += 2) {
        const second = channels[c + 1];
        if (second) addPowerOfTwo(power, [channels[c]!, second], [memory[c]!, memory[c + 1]!], c, shelf, highPass);
        else addPower(power, channels[c]!, memory[c]!, channelWeight(c), shelf, highPass);
      }
      return power;
    },
  };
}

/** power[i] += weight * (K-weighted channel[i])^2, the filter's memory carried in `m` (x1, x2, y1, y2, z1, z2). */
function addPower(
  power: Float32Array,
  channel: Float32Array,
  m: Float64Array,
  weight: number,
  shelf: Biquad,
  highPass: Biquad,
) {
  const [s0, s1, s2, sa1, sa2] = shelf;
  const [h0, h1, h2, ha1, ha2] = highPass;
  let x1 = m[0]!,
    x2 = m[1]!,
    y1 = m[2]!,
    y2 = m[3]!,
    z1 = m[4]!,
    z2 = m[5]!;
  for (let i = 0; i < channel.length; i++) {
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
}

/** addPower for channels `first` and `first + 1` in one pass: the same sums, in the same order. */
function addPowerOfTwo(
  power: Float32Array,
  [a, b]: readonly [Float32Array, Float32Array],
  [ma, mb]: readonly [Float64Array, Float64Array],
  first: number,
  shelf: Biquad,
  highPass: Biquad,
) {
  const wa = channelWeight(first);
  const wb = channelWeight(first + 1);
  // The same loop in WebAssembly SIMD, both channels in one register (sample-kernels.ts), where there is one.
  if (kWeightedPair(power, [a, b], [ma, mb], [...shelf, ...highPass, wa, wb])) return;
  const [s0, s1, s2, sa1, sa2] = shelf;
  const [h0, h1, h2, ha1, ha2] = highPass;
  let ax1 = ma[0]!,
    ax2 = ma[1]!,
    ay1 = ma[2]!,
    ay2 = ma[3]!,
    az1 = ma[4]!,
    az2 = ma[5]!;
  let bx1 = mb[0]!,
    bx2 = mb[1]!,
    by1 = mb[2]!,
    by2 = mb[3]!,
    bz1 = mb[4]!,
    bz2 = mb[5]!;
  for (let i = 0; i < power.length; i++) {
    const ax = a[i]!;
    const bx = b[i]!;
    const ay = s0 * ax + s1 * ax1 + s2 * ax2 - sa1 * ay1 - sa2 * ay2;
    const by = s0 * bx + s1 * bx1 + s2 * bx2 - sa1 * by1 - sa2 * by2;
    ax2 = ax1;
    ax1 = ax;
    bx2 = bx1;
    bx1 = bx;
    const az = h0 * ay + h1 * ay1 + h2 * ay2 - ha1 * az1 - ha2 * az2;
    const bz = h0 * by + h1 * by1 + h2 * by2 - ha1 * bz1 - ha2 * bz2;
    ay2 = ay1;
    ay1 = ay;
    az2 = az1;
    az1 = az;
    by2 = by1;
    by1 = by;
    bz2 = bz1;
    bz1 = bz;
    // As two `power[i] +=` would: the first channel's term rounded to float32 before the second is added.
    power[i] = Math.fround(power[i]! + wa * az * az) + wb * bz * bz;
  }
  ma.set([ax1, ax2, ay1, ay2, az1, az2]);
  mb.set([bx1, bx2, by1, by2, bz1, bz2]);
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

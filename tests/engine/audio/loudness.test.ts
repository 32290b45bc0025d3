import { describe, expect, it } from "vitest";
import { dbfs, integratedLufs, peak, rms, shortTermLufs, type PcmAudio } from "../../../engine/audio/index.ts";
import {
  channelWeight,
  gatedLoudness,
  kWeightedPower,
  kWeighting,
  kWeightingFilters,
} from "../../../engine/audio/k-weighting.ts";
import { randomBytes, sine } from "./signals.ts";

/** Noise whose level follows `envelope(t)`, deterministic. */
function shapedNoise(seconds: number, sampleRate: number, envelope: (t: number) => number, seed: number): Float32Array {
  const bytes = randomBytes(seconds * sampleRate, seed);
  return Float32Array.from(bytes, (byte, i) => ((byte - 127.5) / 128) * envelope(i / sampleRate));
}

describe("rms, peak and dbfs", () => {
  it("measure a sine of amplitude 0.5", () => {
    const samples = sine(1000, 48000, 48000);
    expect(peak(samples)).toBeCloseTo(0.5, 4);
    expect(rms(samples)).toBeCloseTo(0.5 / Math.SQRT2, 4);
    expect(dbfs(0.5)).toBeCloseTo(-6.02, 2);
    expect(dbfs(1)).toBe(0);
    expect(dbfs(0)).toBe(-Infinity);
    expect(rms(new Float32Array(0))).toBe(0);
  });
});

describe("integratedLufs", () => {
  // BS.1770's calibration: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS.
  it("reads a full-scale 997 Hz mono sine as -3.01 LUFS", () => {
    expect(integratedLufs({ sampleRate: 48000, channels: [sine(997, 48000, 5 * 48000, 1)] })).toBeCloseTo(-3.01, 1);
  });

  it("reads the same sine in both stereo channels as 0 LUFS, and 6 dB quieter at half amplitude", () => {
    const full = sine(997, 44100, 5 * 44100, 1);
    const half = sine(997, 44100, 5 * 44100, 0.5);
    expect(integratedLufs({ sampleRate: 44100, channels: [full, full] })).toBeCloseTo(0, 1);
    expect(integratedLufs({ sampleRate: 44100, channels: [half, half] })).toBeCloseTo(-6.02, 1);
  });

  it("is -Infinity for silence", () => {
    expect(integratedLufs({ sampleRate: 48000, channels: [new Float32Array(48000)] })).toBe(-Infinity);
  });

  it("agrees with our own gated K-weighted measure on a stereo signal with loud and quiet parts", () => {
    const envelope = (t: number) => (t < 4 ? 0.5 : t < 8 ? 0.02 : 0.2);
    const audio: PcmAudio = {
      sampleRate: 44100,
      channels: [shapedNoise(12, 44100, envelope, 1), shapedNoise(12, 44100, envelope, 2)],
    };
    const reference = integratedLufs(audio);
    expect(gatedLoudness(kWeightedPower(audio), 44100)).toBeCloseTo(reference, 1);
  });

  it("measures more than two channels (5.0: surrounds weighted 1.41)", () => {
    const tone = sine(997, 48000, 3 * 48000, 0.5);
    const silent = new Float32Array(tone.length);
    const frontOnly = integratedLufs({ sampleRate: 48000, channels: [tone, tone, silent, silent, silent] });
    const withSurrounds = integratedLufs({ sampleRate: 48000, channels: [tone, tone, silent, tone, tone] });
    expect(frontOnly).toBeCloseTo(-6.02, 1);
    expect(withSurrounds - frontOnly).toBeCloseTo(10 * Math.log10(1 + 1.41), 1);
  });
});

/** The K-weighted power as first written: one channel after the other, each added to the frame's sum. */
function powerChannelByChannel(channels: Float32Array[], sampleRate: number): Float32Array {
  const [[s0, s1, s2, sa1, sa2], [h0, h1, h2, ha1, ha2]] = kWeightingFilters(sampleRate);
  const power = new Float32Array(channels[0]!.length);
  channels.forEach((channel, index) => {
    const x = [0, 0, 0];
    const y = [0, 0, 0];
    const z = [0, 0, 0];
    for (let i = 0; i < channel.length; i++) {
      x.unshift(channel[i]!);
      y.unshift(s0 * x[0]! + s1 * x[1]! + s2 * x[2]! - sa1 * y[0]! - sa2 * y[1]!);
      z.unshift(h0 * y[0]! + h1 * y[1]! + h2 * y[2]! - ha1 * z[0]! - ha2 * z[1]!);
      for (const memory of [x, y, z]) memory.pop();
      power[i]! += channelWeight(index) * z[0]! * z[0]!;
    }
  });
  return power;
}

describe("kWeightedPower", () => {
  it("gives the channel-by-channel sums to the last bit for 1, 2, 3 and 5 channels, whole or piece by piece", () => {
    const channels = [1, 2, 3, 4, 5].map((seed) => shapedNoise(1, 44_100, (t) => (t < 0.5 ? 0.8 : 0.05), seed));
    for (const count of [1, 2, 3, 5]) {
      const audio = { sampleRate: 44_100, channels: channels.slice(0, count) };
      const expected = powerChannelByChannel(audio.channels, 44_100);
      expect(kWeightedPower(audio)).toEqual(expected);
      const filter = kWeighting(44_100, count);
      const inPieces = new Float32Array(expected.length);
      for (const [from, to] of [
        [0, 997],
        [997, 30_000],
        [30_000, 44_100],
      ] as const)
        inPieces.set(filter.power(audio.channels.map((c) => c.subarray(from, to))), from);
      expect(inPieces).toEqual(expected);
    }
  });
});

describe("shortTermLufs", () => {
  it("gives one value per hop for whole 3 s windows, equal to the integrated loudness of a steady tone", () => {
    const tone = sine(997, 48000, 10 * 48000, 0.5);
    const values = shortTermLufs({ sampleRate: 48000, channels: [tone, tone] }, 1);
    expect(values).toHaveLength(8); // windows starting at 0..7 s
    for (const value of values) expect(value).toBeCloseTo(-6.02, 1);
  });

  it("follows a 20 dB step down", () => {
    const sampleRate = 22050;
    const step = Float32Array.from(sine(997, sampleRate, 12 * sampleRate, 0.5), (v, i) =>
      i < 6 * sampleRate ? v : v / 10,
    );
    const values = shortTermLufs({ sampleRate, channels: [step] }, 0.5);
    expect(values[0]).toBeCloseTo(-9.03, 1);
    expect(values.at(-1)).toBeCloseTo(-29.03, 1);
    expect(values[0]! - values.at(-1)!).toBeCloseTo(20, 1);
  });

  it("measures audio shorter than 3 s as one window", () => {
    expect(shortTermLufs({ sampleRate: 8000, channels: [sine(440, 8000, 8000, 0.5)] }, 1)).toHaveLength(1);
  });

  it("refuses a hop that is not positive", () => {
    expect(() => shortTermLufs({ sampleRate: 8000, channels: [new Float32Array(8000)] }, 0)).toThrow(/hopSeconds/);
  });
});

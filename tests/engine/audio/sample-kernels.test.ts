import { describe, expect, it } from "vitest";
import { packFrames, sampleRange } from "../../../engine/audio/sample-kernels.ts";
import { writeWavSamples } from "../../../engine/audio/wav-samples.ts";
import { mulberry32 } from "../../../engine/random.ts";

/** 16-bit sample as the WAV writer has always rounded it: floor(x * 2^15 + 0.5) in float64, clamped. */
const to16 = (x: number) => {
  const value = Math.floor(x * 32_768 + 0.5);
  return Number.isNaN(value) ? 0 : Math.min(32_767, Math.max(-32_768, value));
};

/** Float32 values where rounding is delicate: halves, near-halves on both sides, binade edges, overs, specials. */
function awkwardSamples(): Float32Array {
  const values: number[] = [0, -0, 1, -1, 1.01, -1.01, 2, -2, 200, -200, 1e-45, -1e-45, 1e-30, -1e-30];
  values.push(Number.NaN, Infinity, -Infinity, 3e38, -3e38);
  for (const scaled of [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 16_383.5, 16_384, 32_767.5, -32_767.5, -32_768.5, 4_095.5]) {
    const x = Math.fround(scaled / 32_768);
    const bits = new Float32Array([x]);
    const int = new Int32Array(bits.buffer);
    for (let step = -3; step <= 3; step++) {
      const near = new Int32Array([int[0]! + step]);
      values.push(new Float32Array(near.buffer)[0]!);
    }
  }
  const random = mulberry32(21);
  for (let i = 0; i < 4_000; i++) values.push((random() - 0.5) * 2.2);
  return Float32Array.from(values);
}

describe("packFrames (the WAV writer's SIMD kernel)", () => {
  const samples = awkwardSamples();
  const other = samples.slice().reverse();

  it("rounds and clamps 16-bit stereo and mono as floor(x * 2^15 + 0.5) does, every length's tail included", () => {
    for (const frames of [0, 1, 7, 8, 9, 15, 17, samples.length]) {
      const left = samples.subarray(0, frames);
      const right = other.subarray(0, frames);
      const stereo = new Uint8Array(frames * 4);
      expect(packFrames([left, right], 16, stereo)).toBe(true);
      const shorts = new Int16Array(stereo.buffer);
      for (let i = 0; i < frames; i++) {
        expect([shorts[2 * i], shorts[2 * i + 1]]).toEqual([to16(left[i]!), to16(right[i]!)]);
      }
      const mono = new Uint8Array(frames * 2);
      expect(packFrames([left], 16, mono)).toBe(true);
      expect([...new Int16Array(mono.buffer)]).toEqual([...left].map(to16));
    }
  });

  it("interleaves float stereo sample for sample (overs and specials kept)", () => {
    for (const frames of [0, 3, 4, 5, samples.length]) {
      const bytes = new Uint8Array(frames * 8);
      expect(packFrames([samples.subarray(0, frames), other.subarray(0, frames)], "32f", bytes)).toBe(true);
      const floats = new Float32Array(bytes.buffer);
      const expected = new Float32Array(frames * 2);
      for (let i = 0; i < frames; i++) [expected[2 * i], expected[2 * i + 1]] = [samples[i]!, other[i]!];
      expect(Buffer.from(bytes).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(floats.length).toBe(frames * 2);
    }
  });

  it("leaves other shapes to the writer's own loop, which gives the same bytes per channel", () => {
    expect(packFrames([samples, other, samples], 16, new Uint8Array(samples.length * 6))).toBe(false);
    expect(packFrames([samples], "32f", new Uint8Array(samples.length * 4))).toBe(false);
    const three = new Int16Array(writeWavSamples([samples, other, samples], 16).buffer);
    const two = new Int16Array(writeWavSamples([samples, other], 16).buffer);
    for (let i = 0; i < samples.length; i++)
      expect([three[3 * i], three[3 * i + 1]]).toEqual([two[2 * i], two[2 * i + 1]]);
  });
});

describe("sampleRange (the picture's peaks)", () => {
  /** The waveform's loop: `if (s < low) low = s; if (s > high) high = s`, channel after channel. */
  function looped(channels: Float32Array[], from: number, to: number, low: number, high: number) {
    for (const channel of channels) {
      for (let i = from; i < to; i++) {
        const s = channel[i]!;
        if (s < low) low = s;
        if (s > high) high = s;
      }
    }
    return { low, high };
  }

  it("finds what the loop finds, from any start, over any span and carried values", () => {
    const random = mulberry32(8);
    const channels = [awkwardSamples(), awkwardSamples().reverse()].map((c) => c.map((x) => (Number.isNaN(x) ? 0 : x)));
    for (let trial = 0; trial < 300; trial++) {
      const from = Math.floor(random() * 4_000);
      const to = from + Math.floor(random() * (trial % 3 === 0 ? 40 : 2_000));
      const [low, high] = trial % 2 === 0 ? [Infinity, 0] : [Math.fround(random() - 0.9), Math.fround(random())];
      expect(sampleRange(channels, from, to, low, high)).toEqual(looped(channels, from, to, low, high));
    }
  });

  it("keeps the carried values when the span is empty or quieter, and ignores NaN as the loop does", () => {
    const quiet = [new Float32Array([0.1, -0.1, Number.NaN, 0.05])];
    expect(sampleRange(quiet, 0, 4, -0.5, 0.5)).toEqual({ low: -0.5, high: 0.5 });
    expect(sampleRange(quiet, 2, 2, -0.25, 0.25)).toEqual({ low: -0.25, high: 0.25 });
    expect(sampleRange(quiet, 0, 4, Infinity, 0)).toEqual({ low: Math.fround(-0.1), high: Math.fround(0.1) });
  });
});

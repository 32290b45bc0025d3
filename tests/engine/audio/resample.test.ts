import { describe, expect, it } from "vitest";
import { monoAt, resample, rms, toMono } from "../../../engine/audio/index.ts";
import { dominantFrequency, sine } from "./signals.ts";

describe("resample", () => {
  it.each([
    [44100, 22050],
    [48000, 22050],
    [22050, 44100],
  ])("keeps a 440 Hz sine at 440 Hz and gives round(n * ratio) samples from %i Hz to %i Hz", async (from, to) => {
    const frames = Math.round(1.37 * from);
    const input = { sampleRate: from, channels: [sine(440, from, frames), sine(440, from, frames, 0.25)] };

    const output = await resample(input, to);

    expect(output.sampleRate).toBe(to);
    expect(output.channels).toHaveLength(2);
    for (const channel of output.channels) {
      expect(channel).toHaveLength(Math.round((frames * to) / from));
      expect(dominantFrequency(channel, to)).toBeCloseTo(440, 0);
    }
    // Level is kept (a band-limited sine passes unchanged), per channel.
    expect(rms(output.channels[0]!.subarray(1000, -1000))).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(rms(output.channels[1]!.subarray(1000, -1000))).toBeCloseTo(0.25 / Math.SQRT2, 2);
  });

  it("matches the ideal resampled sine sample for sample, to the very last sample of a long input", async () => {
    // Over 1 M samples the library converts in chunks and would drop its tail without padding.
    const from = 44100;
    const to = 22050;
    const frames = 1_200_000;
    const output = await resample({ sampleRate: from, channels: [sine(440, from, frames)] }, to);
    const channel = output.channels[0]!;
    expect(channel).toHaveLength(600_000);
    const ideal = sine(440, to, channel.length);
    let worstInside = 0;
    for (let i = 100; i < channel.length - 100; i++)
      worstInside = Math.max(worstInside, Math.abs(channel[i]! - ideal[i]!));
    expect(worstInside).toBeLessThan(1e-3);
    // The last samples are there (not zero-filled): near the cut the sinc rings a little, no more.
    expect(rms(channel.subarray(-50))).toBeGreaterThan(0.2);
  });

  it("returns the same audio when the rate already matches", async () => {
    const audio = { sampleRate: 22050, channels: [sine(440, 22050, 1000)] };
    expect(await resample(audio, 22050)).toBe(audio);
  });

  it("refuses a target rate that is not a positive whole number", async () => {
    const audio = { sampleRate: 22050, channels: [sine(440, 22050, 1000)] };
    await expect(resample(audio, 0)).rejects.toThrow(/target sample rate/);
    await expect(resample(audio, 22050.5)).rejects.toThrow(/target sample rate/);
  });
});

describe("toMono and monoAt", () => {
  it("averages the channels", () => {
    const mono = toMono({
      sampleRate: 8000,
      channels: [Float32Array.from([1, 0.5, -1]), Float32Array.from([0, 0.5, 1]), Float32Array.from([0.5, -1, 0])],
    });
    expect([...mono]).toEqual([0.5, 0, 0]);
  });

  it("copies a mono input rather than sharing it", () => {
    const channel = Float32Array.from([0.1, 0.2]);
    const mono = toMono({ sampleRate: 8000, channels: [channel] });
    mono[0] = 0.9;
    expect(channel[0]).toBeCloseTo(0.1);
  });

  it("downmixes then resamples", async () => {
    const left = sine(440, 44100, 44100);
    const right = sine(440, 44100, 44100, 0.25);
    const mono = await monoAt({ sampleRate: 44100, channels: [left, right] }, 22050);
    expect(mono).toHaveLength(22050);
    expect(dominantFrequency(mono, 22050)).toBeCloseTo(440, 0);
    expect(rms(mono.subarray(1000, -1000))).toBeCloseTo(0.375 / Math.SQRT2, 2);
  });
});

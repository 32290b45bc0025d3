import { describe, expect, it } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import {
  FEATURE_LAYOUT,
  FEATURE_SCALE,
  FEATURE_SIZE,
  frameDistance,
  LOUDNESS_FLOOR_DB,
  secondFrames,
} from "../../../engine/analysis/second-frames.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

/** Sum of sines at `frequencies` Hz, [from, to) seconds of a `seconds`-long stereo signal; zero elsewhere. */
function chord(
  sampleRate: number,
  seconds: number,
  parts: readonly { from: number; to: number; frequencies: readonly number[] }[],
): PcmAudio {
  const left = new Float32Array(Math.round(seconds * sampleRate));
  for (const { from, to, frequencies } of parts) {
    for (let i = Math.round(from * sampleRate); i < Math.min(left.length, Math.round(to * sampleRate)); i++) {
      for (const f of frequencies)
        left[i]! += (0.2 / frequencies.length) * Math.sin((2 * Math.PI * f * i) / sampleRate);
    }
  }
  return { sampleRate, channels: [left, left.slice()] };
}

const C_MAJOR = [261.63, 329.63, 392.0];
const F_SHARP_MAJOR = [369.99, 466.16, 554.37];
const chroma = (frame: Float32Array) => Array.from(frame.subarray(...FEATURE_LAYOUT.chroma));
const argmaxes = (values: number[], n: number) =>
  values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, n)
    .map(([, i]) => i)
    .sort((a, b) => a - b);

describe("secondFrames", () => {
  it("gives floor(seconds) frames of FEATURE_SIZE finite values (a trailing partial second gives none)", () => {
    const song = synthesizeSong({ seconds: 7.6, sampleRate: 44_100, channels: 2, seed: 3 });
    const frames = secondFrames(song);
    expect(FEATURE_SIZE).toBe(28);
    expect(frames).toHaveLength(7);
    for (const frame of frames) {
      expect(frame).toHaveLength(FEATURE_SIZE);
      expect(frame.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...chroma(frame))).toBeCloseTo(1, 5); // L2-normalised chroma
      expect(frame[FEATURE_LAYOUT.loudnessDb]).toBeGreaterThan(-40);
      expect(frame[FEATURE_LAYOUT.onsetDensity]).toBeGreaterThan(0);
    }
    expect(secondFrames({ sampleRate: 22_050, channels: [new Float32Array(22_049)] })).toEqual([]);
  });

  it("follows a chord change: the chroma peaks on the sounding notes, second by second", () => {
    const frames = secondFrames(
      chord(44_100, 6, [
        { from: 0, to: 3, frequencies: C_MAJOR },
        { from: 3, to: 6, frequencies: F_SHARP_MAJOR },
      ]),
    );
    expect(frames).toHaveLength(6);
    expect(argmaxes(chroma(frames[1]!), 3)).toEqual([0, 4, 7]); // C, E, G
    expect(argmaxes(chroma(frames[4]!), 3)).toEqual([1, 6, 10]); // C#, F#, A#
    expect(frameDistance(frames[1]!, frames[4]!)).toBeGreaterThan(3 * frameDistance(frames[1]!, frames[0]!));
  });

  it("describes silence with finite values: the loudness floor, uniform chroma, no brightness", () => {
    const [frame] = secondFrames({ sampleRate: 48_000, channels: [new Float32Array(48_000)] });
    expect(frame!.every(Number.isFinite)).toBe(true);
    expect(frame![FEATURE_LAYOUT.loudnessDb]).toBe(LOUDNESS_FLOOR_DB);
    expect(frame![FEATURE_LAYOUT.brightnessDb]).toBe(0);
    for (const c of chroma(frame!)) expect(c).toBeCloseTo(1 / Math.sqrt(12), 6);
  });

  it("reads louder and brighter music as louder and brighter", () => {
    const low = chord(22_050, 2, [{ from: 0, to: 2, frequencies: [220] }]);
    const high = chord(22_050, 2, [{ from: 0, to: 2, frequencies: [3520] }]);
    const quiet: PcmAudio = { sampleRate: 22_050, channels: [low.channels[0]!.map((x) => x / 10)] };
    const [l, h, q] = [low, high, quiet].map((a) => secondFrames(a)[0]!);
    expect(h![FEATURE_LAYOUT.brightnessDb]! - l![FEATURE_LAYOUT.brightnessDb]!).toBeGreaterThan(20);
    expect(l![FEATURE_LAYOUT.loudnessDb]! - q![FEATURE_LAYOUT.loudnessDb]!).toBeCloseTo(20, 1);
  });
});

describe("secondFrames every half second", () => {
  it("gives the same frames as the whole-second grid on whole seconds, and the seconds between them in between", () => {
    const song = synthesizeSong({ seconds: 12.3, sampleRate: 22050, channels: 2, seed: 4 });
    const whole = secondFrames(song);
    const half = secondFrames(song, 0.5);
    expect(half).toHaveLength(2 * (whole.length - 1) + 1 + (12.3 - whole.length >= 0.5 ? 1 : 0));
    whole.forEach((frame, k) => {
      expect(Array.from(half[2 * k]!)).toEqual(Array.from(frame));
    });
    // A frame half a second later differs from both neighbours: it describes other music.
    expect(Array.from(half[1]!)).not.toEqual(Array.from(half[0]!));
    expect(Array.from(half[1]!)).not.toEqual(Array.from(half[2]!));
  });
});

describe("frameDistance", () => {
  it("is 0 for a frame and itself, symmetric, and the RMS of the differences in units of the scale", () => {
    const a = Float32Array.from(FEATURE_SCALE, (s, d) => d * s);
    const b = Float32Array.from(FEATURE_SCALE, (s, d) => d * s + 2 * s); // every dimension 2 scales away
    expect(frameDistance(a, a)).toBe(0);
    expect(frameDistance(a, b)).toBeCloseTo(2, 5);
    expect(frameDistance(b, a)).toBe(frameDistance(a, b));
    expect(frameDistance([0, 3], [4, 0], [1, 1])).toBeCloseTo(Math.sqrt(25 / 2), 10);
    expect(() => frameDistance(a, b.subarray(1))).toThrow(/28 values/);
  });
});

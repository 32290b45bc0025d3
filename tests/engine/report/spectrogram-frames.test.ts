import { describe, expect, test } from "vitest";
import { encodeStream, MemorySink } from "../../../engine/audio/encode/index.ts";
import type { AudioStream } from "../../../engine/audio/stream.ts";
import { renderExtensionPicture, waveformColumns } from "../../../engine/report/picture.ts";
import { SpectrogramFrames, spectrogramSignal } from "../../../engine/report/spectrogram-frames.ts";
import { tapPeaks } from "../../../engine/report/waveform-peaks.ts";

/** Stereo noise-like chirps, computed window by window (the same sample whatever window reads it). */
function chirps(seconds: number, sampleRate: number): AudioStream {
  const length = Math.round(seconds * sampleRate);
  const wave = (from: number, to: number, channel: number) => {
    const samples = new Float32Array(to - from);
    for (let i = 0; i < samples.length; i++) {
      const t = (from + i) / sampleRate;
      samples[i] = 0.4 * Math.sin(2 * Math.PI * (200 + 40 * (t % 25)) * t + channel) + ((from + i) % 991) / 4000;
    }
    return samples;
  };
  return { sampleRate, channelCount: 2, length, read: (from, to) => [wave(from, to, 0), wave(from, to, 1)] };
}

describe("the spectrogram's frames gathered while the result is encoded", () => {
  // 20 s at 44.1 kHz: frames overlap (several windows open at once); 400 s at 8 kHz: far apart, no downsampling.
  test.each([
    [20, 44_100],
    [400, 8000],
  ])("%d s at %d Hz: the same frames as reading the result, and the picture draws them", async (seconds, rate) => {
    const result = chirps(seconds, rate);
    const frames = new SpectrogramFrames(result.length, rate, waveformColumns());
    await encodeStream(tapPeaks(result, frames), "wav16", new MemorySink());
    expect(frames.complete).toBe(true);
    const read = spectrogramSignal(result, waveformColumns(), 2048);
    expect(Buffer.from(frames.samples.buffer).equals(Buffer.from(read.samples.buffer))).toBe(true);

    const original = { sampleRate: rate, channels: [new Float32Array(rate * 10), new Float32Array(rate * 10)] };
    const draw = (spectrogramFrames?: SpectrogramFrames) =>
      Buffer.from(renderExtensionPicture({ original, result, seams: [10], introSeconds: 10, spectrogramFrames }));
    const reading = draw();
    expect(draw(frames).equals(reading)).toBe(true);
    frames.samples.fill(0.5, 0, 2048 * 40);
    expect(draw(frames).equals(reading)).toBe(false);
  });

  test("a pass with a gap is not used", () => {
    const result = chirps(20, 44_100);
    const frames = new SpectrogramFrames(result.length, 44_100, waveformColumns());
    const tapped = tapPeaks(result, frames);
    tapped.read(0, 100_000);
    tapped.read(200_000, result.length);
    expect(frames.complete).toBe(false);
  });
});

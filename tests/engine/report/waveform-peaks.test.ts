import { describe, expect, test } from "vitest";
import { encodeStream, MemorySink } from "../../../engine/audio/encode/index.ts";
import type { AudioStream } from "../../../engine/audio/stream.ts";
import { renderExtensionPicture, waveformColumns } from "../../../engine/report/picture.ts";
import { keptAndZoom } from "../../../engine/report/picture-zoom.ts";
import { ColumnPeaks, tapPeaks } from "../../../engine/report/waveform-peaks.ts";

/** Stereo, computed window by window: a tone whose level swells, a different peak in every column. */
function swell(seconds: number): AudioStream {
  const sampleRate = 8000;
  const length = seconds * sampleRate;
  const wave = (from: number, to: number, phase: number) => {
    const samples = new Float32Array(to - from);
    for (let i = 0; i < samples.length; i++) {
      const at = from + i;
      samples[i] = (0.2 + 0.7 * (at / length)) * Math.sin(at / 3 + phase) - (at % 977 === 0 ? 0.3 : 0);
    }
    return samples;
  };
  return { sampleRate, channelCount: 2, length, read: (from, to) => [wave(from, to, 0), wave(from, to, 1)] };
}

describe("the waveform gathered while the result is encoded", () => {
  const result = swell(700);
  const original = { sampleRate: 8000, channels: [new Float32Array(8000 * 30), new Float32Array(8000 * 30)] };
  const marks = { original, seams: [30, 200, 410], introSeconds: 30 };
  const draw = (peaks?: ColumnPeaks, zoomPeaks?: ColumnPeaks) =>
    renderExtensionPicture({ ...marks, result, peaks, zoomPeaks });

  test("draws the same picture as reading the result again", async () => {
    const peaks = new ColumnPeaks(result.length, waveformColumns());
    await encodeStream(tapPeaks(result, peaks), "wav16", new MemorySink());
    expect(peaks.complete).toBe(true);
    expect(Buffer.from(draw(peaks)).equals(Buffer.from(draw()))).toBe(true);
  });

  test("is not used unless every sample was seen in order (the picture then reads the result)", () => {
    const peaks = new ColumnPeaks(result.length, waveformColumns());
    const tapped = tapPeaks(result, peaks);
    tapped.read(0, 100_000);
    tapped.read(200_000, 300_000); // a gap: the pass no longer counts
    for (let from = 300_000; from < result.length; from += 100_000)
      tapped.read(from, Math.min(result.length, from + 100_000));
    expect(peaks.complete).toBe(false);
    // Wrong columns, had they been used, would change the waveform.
    peaks.low.fill(-1);
    expect(Buffer.from(draw(peaks)).equals(Buffer.from(draw()))).toBe(true);
  });

  test("the zoom strip's columns too: the same picture, and they are what it draws", async () => {
    const { zoom } = keptAndZoom(marks, result);
    if (!zoom) throw new Error("a 700 s result with a join after its opening has a zoom strip");
    const peaks = new ColumnPeaks(result.length, waveformColumns());
    const zoomPeaks = new ColumnPeaks(zoom.to - zoom.from, waveformColumns(), zoom.from);
    await encodeStream(tapPeaks(result, peaks, zoomPeaks), "wav16", new MemorySink());
    expect(zoomPeaks.complete).toBe(true);
    const reading = Buffer.from(draw());
    expect(Buffer.from(draw(peaks, zoomPeaks)).equals(reading)).toBe(true);
    zoomPeaks.high.fill(0.99);
    expect(Buffer.from(draw(peaks, zoomPeaks)).equals(reading)).toBe(false);
  });
});

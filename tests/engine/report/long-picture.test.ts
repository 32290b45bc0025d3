import { PNG } from "pngjs";
import { describe, expect, test } from "vitest";
import type { AudioStream } from "../../../engine/audio/stream.ts";
import { renderExtensionPicture } from "../../../engine/report/picture.ts";
import { ZOOM_BAND_HEIGHT } from "../../../engine/report/picture-zoom.ts";

/** A quiet tone `seconds` long, computed window by window (never whole). */
function tone(seconds: number): AudioStream {
  const sampleRate = 8000;
  const wave = (from: number, to: number) => {
    const samples = new Float32Array(to - from);
    for (let i = 0; i < samples.length; i++) samples[i] = 0.2 * Math.sin((from + i) / 3);
    return samples;
  };
  return { sampleRate, channelCount: 1, length: seconds * sampleRate, read: (from, to) => [wave(from, to)] };
}

/** Pixels of one row that are the seams' red (drawn over the dark plots). */
function redInRow(png: PNG, y: number): number {
  let count = 0;
  for (let x = 0; x < png.width; x++) {
    const i = (y * png.width + x) * 4;
    if (png.data[i]! > 200 && png.data[i + 1]! < 110 && png.data[i + 2]! < 140) count++;
  }
  return count;
}

describe("the picture of a long result", () => {
  test("draws dense seams as ticks above the waveform, so the plots stay readable; sparse ones as lines", () => {
    const result = tone(600);
    const original = { sampleRate: 8000, channels: [new Float32Array(8000 * 30)] };
    const draw = (count: number) =>
      PNG.sync.read(
        Buffer.from(
          renderExtensionPicture({
            original,
            result,
            seams: Array.from({ length: count }, (_, i) => 30 + (i * 560) / count),
            introSeconds: 30,
          }),
        ),
      );
    const sparse = draw(6);
    const dense = draw(400);
    const waveformRow = 100; // inside the waveform's plot, above the tone
    expect(redInRow(sparse, waveformRow)).toBeGreaterThanOrEqual(6);
    expect(redInRow(dense, waveformRow)).toBe(0);
    // The ticks: a row just above the waveform holds one per seam's column.
    expect(redInRow(dense, 70)).toBeGreaterThanOrEqual(390);
  });

  test("a long result gets a strip around its first join below the overview; a short one does not", () => {
    const original = { sampleRate: 8000, channels: [new Float32Array(8000 * 30)] };
    const draw = (seconds: number) =>
      PNG.sync.read(
        Buffer.from(
          renderExtensionPicture({ original, result: tone(seconds), seams: [30, 95, 160], introSeconds: 30 }),
        ),
      );
    expect(draw(540).height).toBe(900);
    const long = draw(1200);
    expect(long.height).toBe(900 + ZOOM_BAND_HEIGHT);
    // The strip spans 20 s centred on the join at 0:30: the seam's red line is in its middle column, and the
    // seams at 1:35 and 2:40 are outside it.
    const stripRow = 900 + 40 + 20;
    const reds: number[] = [];
    for (let x = 0; x < long.width; x++) {
      const i = (stripRow * long.width + x) * 4;
      if (long.data[i]! > 200 && long.data[i + 1]! < 110 && long.data[i + 2]! < 140) reds.push(x);
    }
    expect(reds.length).toBeGreaterThan(0);
    expect(reds.every((x) => Math.abs(x - (80 + 1500 / 2)) <= 2)).toBe(true);
  });
});

import { describe, expect, test } from "vitest";
import { gatedLoudness, kWeightedPower } from "../../../engine/audio/k-weighting.ts";
import { type AudioStream, streamOf } from "../../../engine/audio/stream.ts";
import { extendAudio } from "../../../engine/extend/extend.ts";
import { kWeighting } from "../../../engine/audio/k-weighting.ts";
import { loudnessMeter } from "../../../engine/quality/loudness-meter.ts";
import { measureForm } from "../../../engine/quality/form.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { sampleSource } from "../../../engine/quality/sample-source.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

describe("the quality report measured from a stream", () => {
  test("equals the report measured from the whole result, for both forms, to the last bit", async () => {
    for (const [seed, form, times] of [
      [5, "continue", 2.5],
      [8, "song", 4],
    ] as const) {
      const song = synthesizeSong({ seconds: 30, sampleRate: 44_100, channels: 2, seed });
      const result = await extendAudio(song, { targetSeconds: 30 * times, engine: "remix", form, fadeOutSeconds: 6 });
      const measured = {
        original: song,
        seams: result.seams,
        seamSources: result.seamSources,
        introSeconds: result.introSeconds,
      };
      const streamed = await measureExtension({ ...measured, result: result.stream });
      const whole = await measureExtension({ ...measured, result: result.audio });
      expect(streamed.seamCount).toBeGreaterThan(2);
      expect(streamed).toEqual(whole);
    }
  }, 300_000);

  test("the form metrics render a streamed result at most 4 times over (the copy search reads from the kept windows)", async () => {
    // Scan, anchors, copies of the input, earlier copies of itself: each reads the result in order. Checking the
    // frames between two anchors by rendering the whole gap again read this result 9.5 times over.
    const song = synthesizeSong({ seconds: 30, sampleRate: 44_100, channels: 2, seed: 5 });
    const result = await extendAudio(song, {
      targetSeconds: 120,
      engine: "remix",
      form: "continue",
      fadeOutSeconds: 6,
    });
    const { counted, timesOver } = countingReads(result.stream);
    const streamed = measureForm(song, counted, { introSeconds: result.introSeconds });
    expect(streamed).toEqual(measureForm(song, result.audio, { introSeconds: result.introSeconds }));
    expect(timesOver()).toBeLessThanOrEqual(4);
  }, 300_000);

  test("a 10-minute streamed result is read at most 4 times over: its earlier copies of the input are read from the input", async () => {
    // The search for the result's own earlier copies checks places anywhere in it, which the kept windows (about
    // 95 s) rarely hold: it rendered this result 26.9 times over before it read copied places from the input.
    const song = synthesizeSong({ seconds: 30, sampleRate: 44_100, channels: 2, seed: 5 });
    const result = await extendAudio(song, {
      targetSeconds: 600,
      engine: "remix",
      form: "continue",
      fadeOutSeconds: 6,
    });
    const { counted, timesOver } = countingReads(result.stream);
    const streamed = measureForm(song, counted, { introSeconds: result.introSeconds });
    expect(streamed.longestRepeatedStretchSeconds).toBeGreaterThan(60);
    expect(streamed).toEqual(measureForm(song, result.audio, { introSeconds: result.introSeconds }));
    expect(timesOver()).toBeLessThanOrEqual(4);
  }, 300_000);

  test("reads any window of a stream as the whole audio holds it, across the kept windows' edges", () => {
    const song = synthesizeSong({ seconds: 5, sampleRate: 22_050, channels: 2, seed: 2 });
    const source = sampleSource(streamOf(song));
    for (const [from, to] of [
      [0, 10],
      [4090, 4100],
      [4096, 12_000],
      [100_000, 110_250],
    ] as const) {
      const { channels, base } = source.span(from, to);
      song.channels.forEach((whole, c) => {
        expect(channels[c]!.subarray(from - base, to - base)).toEqual(whole.subarray(from, to));
      });
    }
  });

  test("a loudness meter fed in uneven pieces gives gatedLoudness of the whole, to the last bit", () => {
    const song = synthesizeSong({ seconds: 12, sampleRate: 44_100, channels: 2, seed: 9 });
    const filter = kWeighting(song.sampleRate, 2);
    const meter = loudnessMeter(song.sampleRate);
    const cuts = [0, 1, 4410, 17_640, 100_000, 300_001, song.channels[0]!.length];
    for (let k = 1; k < cuts.length; k++)
      meter.pushPower(filter.power(song.channels.map((c) => c.subarray(cuts[k - 1], cuts[k]))));
    expect(meter.loudness()).toBe(gatedLoudness(kWeightedPower(song), song.sampleRate));
    expect(Number.isFinite(meter.loudness())).toBe(true);
  });
});

/** The stream as the form metrics read it, counting the frames rendered: timesOver() is that count over its length. */
function countingReads(stream: AudioStream) {
  let rendered = 0;
  const counted = {
    sampleRate: stream.sampleRate,
    channelCount: stream.channelCount,
    length: stream.length,
    read: (from: number, to: number) => {
      rendered += to - from;
      return stream.read(from, to);
    },
  };
  return { counted, timesOver: () => rendered / stream.length };
}

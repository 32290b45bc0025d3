import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { loopBaseline, measureExtension, silenceBaseline } from "../../../engine/quality/index.ts";
import { countClicks } from "../../../engine/quality/clicks.ts";
import { clickSong } from "../remix/signals.ts";

const rate = 22050;
const concat = (a: PcmAudio, b: PcmAudio): PcmAudio => ({
  sampleRate: a.sampleRate,
  channels: a.channels.map((c, i) => {
    const out = new Float32Array(c.length + b.channels[i]!.length);
    out.set(c);
    out.set(b.channels[i]!, c.length);
    return out;
  }),
});

describe("clicks at seams", () => {
  const tone = Float32Array.from({ length: rate }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate));

  test("a hard cut with a DC jump is a click", () => {
    const cut = tone.map((s, i) => (i >= rate / 2 ? s + 0.4 : s));
    expect(countClicks([cut], rate, [0.5])).toBe(1);
  });

  test("a continuous signal at the same place is not", () => {
    expect(countClicks([tone], rate, [0.5])).toBe(0);
  });
});

describe("measureExtension", () => {
  const song = clickSong({ seconds: 30, seed: 21 });

  test("flags a 2 s section looped back to back, and not the original", async () => {
    const last2 = { sampleRate: rate, channels: song.channels.map((c) => c.subarray(c.length - 2 * rate)) };
    let result = song;
    for (let i = 0; i < 15; i++) result = concat(result, last2);
    const seams = Array.from({ length: 15 }, (_, i) => 30 + 2 * i);
    const report = await measureExtension({ original: song, result, seams });
    expect(report.shortestLoopSeconds).toBeGreaterThan(1.8);
    expect(report.shortestLoopSeconds).toBeLessThan(2.2);
    expect(report.originalShortestLoopSeconds).toBe(0);
    expect(report.verbatimFraction).toBeGreaterThan(0.9);
  });

  test("shows the tempo difference of a 10 % faster continuation", async () => {
    const faster = clickSong({ seconds: 30, seed: 22, bpm: 132 });
    const report = await measureExtension({ original: song, result: concat(song, faster), seams: [30] });
    expect(report.originalTempoBpm).toBeCloseTo(120, 0);
    expect(report.tempoDifferencePercent).toBeGreaterThan(8);
    expect(report.tempoDifferencePercent).toBeLessThan(12);
  });

  test("a continuation of the same song scores well on tempo, timbre and harmony", async () => {
    const more = clickSong({ seconds: 30, seed: 23 });
    const report = await measureExtension({ original: song, result: concat(song, more), seams: [30] });
    expect(report.tempoDifferencePercent).toBeLessThan(2);
    expect(report.harmonySimilarity).toBeGreaterThan(0.9);
    expect(report.shortestLoopSeconds).toBe(0);
  });

  test("silence after the song is a huge loudness change and has no tempo", async () => {
    const silent = silenceBaseline(song, 60);
    const report = await measureExtension({ original: song, result: silent.audio, seams: silent.seams });
    expect(report.seamLoudnessChangeLu).toBeGreaterThan(30);
    expect(report.tempoDifferencePercent).toBeNull();
    expect(report.extensionSeconds).toBeCloseTo(30, 3);
  });

  test("the loop baseline repeats the last 10 s at the target length", async () => {
    const loop = loopBaseline(song, 61.5, 0.02);
    expect(loop.audio.channels[0]!.length).toBe(Math.round(61.5 * rate));
    expect(loop.seams).toEqual([30, 40, 50, 60]);
    const report = await measureExtension({ original: song, result: loop.audio, seams: loop.seams });
    expect(report.shortestLoopSeconds).toBeGreaterThan(9.5);
    expect(report.shortestLoopSeconds).toBeLessThan(10.5);
    expect(report.clicksAtSeams).toBe(0);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe("beat phase across seams", () => {
  const song = clickSong({ seconds: 30, sampleRate: rate, bpm: 120, seed: 11 });
  const beat = 0.5 * rate;
  const continueFrom = (offset: number): PcmAudio => ({
    sampleRate: rate,
    channels: song.channels.map((c) => c.slice(offset, offset + 20 * rate)),
  });

  test("a continuation on the beat grid reads in phase; one cut half a beat off reads out of phase", async () => {
    const inPhase = await measureExtension({
      original: song,
      result: concat(song, continueFrom(4 * beat)),
      seams: [30],
    });
    const halfBeatOff = await measureExtension({
      original: song,
      result: concat(song, continueFrom(4 * beat + beat / 2)),
      seams: [30],
    });
    expect(inPhase.beatPhaseErrorAtSeams).toBeLessThan(0.15);
    expect(halfBeatOff.beatPhaseErrorAtSeams).toBeGreaterThan(0.35);
  });
});

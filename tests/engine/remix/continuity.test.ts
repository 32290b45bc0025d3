import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { countClicks } from "../../../engine/quality/clicks.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { rmsDb } from "../../../engine/analysis/signal.ts";
import { clickSong } from "./signals.ts";

const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02 };
const rate = 22050;

/** Multiplies every channel by gain(seconds). */
function shaped(song: PcmAudio, gain: (seconds: number) => number): PcmAudio {
  return {
    sampleRate: song.sampleRate,
    channels: song.channels.map((c) => c.map((v, i) => v * gain(i / song.sampleRate))),
  };
}

describe("remixExtend after a quiet ending", () => {
  // A song that rises out of silence over its first 6 s and ends with a 2 s fade and 1 s of silence.
  const song = shaped(clickSong({ seconds: 45, seed: 21, endingSeconds: 1 }), (t) => Math.min(1, t / 6));

  test("asked to continue, never starts again from the top: the continuation enters after the intro, without clicks", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 120, seed: 1, form: "continue" });
    expect(result.form).toBe("continue");
    expect(result.notes.join(" ")).not.toMatch(/da capo/);
    expect(result.segments[0]!.sourceStart).toBeGreaterThan(5);
    for (const segment of result.segments) expect(segment.sourceStart).toBeGreaterThan(5);
    expect(countClicks(result.audio.channels, rate, result.seams)).toBe(0);
  });

  test("keeps short-term loudness continuous across every later join", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 150, seed: 2 });
    const report = await measureExtension({ original: song, result: result.audio, seams: result.seams.slice(1) });
    expect(report.seamCount).toBeGreaterThan(0);
    expect(report.seamLoudnessChangeLu!).toBeLessThanOrEqual(1);
  });
});

describe("remixExtend after a song that stops with a very short fade", () => {
  // Loud to the end, then 0.3 s to digital silence: whatever follows must enter, not click.
  const song = shaped(clickSong({ seconds: 40, seed: 22 }), (t) => Math.max(0, Math.min(1, (40 - t) / 0.3)));

  test("fades the continuation in instead of starting it with a hard onset", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 100, seed: 1 });
    expect(result.notes.join(" ")).not.toMatch(/da capo/);
    expect(countClicks(result.audio.channels, rate, result.seams)).toBe(0);
    const out = result.audio.channels[0]!;
    const at = 40 * rate;
    expect(rmsDb(out, at, at + Math.round(0.02 * rate))).toBeLessThan(rmsDb(out, at + rate, at + 2 * rate) - 30);
  });
});

describe("remixExtend bar alignment", () => {
  // 120 BPM with a new chord on every bar line (every 2 s from 0): the bar is audible in the harmony.
  const song = clickSong({ seconds: 60, seed: 23 });

  test("every join keeps the place in the bar: source and result bar lines coincide", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 180, seed: 3 });
    expect(result.segments.length).toBeGreaterThan(2);
    for (const segment of result.segments) {
      const offset = (((segment.outputStart - segment.sourceStart) % 2) + 2) % 2;
      // Beat-tracker jitter is a few tens of ms; a join off by a beat would be 0.5 s out.
      expect(Math.min(offset, 2 - offset)).toBeLessThan(0.05);
    }
  });
});

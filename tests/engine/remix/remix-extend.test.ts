import { describe, expect, test } from "vitest";
import type { Predictor } from "../../../engine/extend/types.ts";
import { countClicks } from "../../../engine/quality/clicks.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { analyseBeats, remixExtend, type PhraseSteering, type RemixResult } from "../../../engine/remix/index.ts";

const overlap = (a: number, b: number, c: number, d: number) => Math.max(0, Math.min(b, d) - Math.max(a, c));
import { clickOnsets, clickSong, drone } from "./signals.ts";

const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02 };

/** Byte equality of sample arrays (vitest's deep equality is slow on millions of samples). */
const sameSamples = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("remixExtend", () => {
  const song = clickSong({ seconds: 40, seed: 3 });

  test("returns exactly the target length, starting with the whole original untouched, stereo at the same rate", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 97.3, seed: 1 });
    expect(result.audio.sampleRate).toBe(22050);
    expect(result.audio.channels).toHaveLength(2);
    for (const channel of result.audio.channels) expect(channel.length).toBe(Math.round(97.3 * 22050));
    song.channels.forEach((channel, c) => {
      expect(sameSamples(result.audio.channels[c]!.subarray(0, channel.length), channel)).toBe(true);
    });
    expect(result.seams.length).toBeGreaterThan(0);
    expect(result.seams[0]).toBeCloseTo(40, 3);
  });

  test("joins without clicks and keeps the beat: clicks stay exactly one beat apart across every seam", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 120, seed: 2 });
    expect(countClicks(result.audio.channels, 22050, result.seams)).toBe(0);
    const onsets = clickOnsets(result.audio.channels[0]!, 22050).filter((t) => t < 120 - options.fadeOutSeconds - 1);
    const intervals = onsets.slice(1).map((t, i) => t - onsets[i]!);
    expect(onsets.length).toBeGreaterThan(200);
    for (const interval of intervals) expect(interval).toBeCloseTo(0.5, 1);
    expect(Math.max(...intervals.map((d) => Math.abs(d - 0.5)))).toBeLessThan(0.02);
  });

  test("puts every seam between beats, just before a beat", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 120, seed: 2 });
    const onsets = clickOnsets(result.audio.channels[0]!, 22050);
    // In the closing fade the clicks fall below the onset detector's threshold.
    for (const seam of result.seams.filter((s) => s < 120 - options.fadeOutSeconds)) {
      const nextBeat = onsets.find((t) => t >= seam - 0.005);
      expect(nextBeat).toBeDefined();
      expect(nextBeat! - seam).toBeLessThan(0.06);
    }
  });

  test("does not repeat any section shorter than 20 s back to back over a long extension", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 200, seed: 4 });
    const report = await measureExtension({ original: song, result: result.audio, seams: result.seams });
    expect(report.originalShortestLoopSeconds).toBe(0);
    const loop = report.shortestLoopSeconds;
    expect(loop === 0 || loop >= 20).toBe(true);
  });

  test("extends a 20 s clip threefold", async () => {
    const clip = clickSong({ seconds: 20, seed: 5 });
    const result = await remixExtend(clip, { ...options, targetSeconds: 60, seed: 1 });
    expect(result.audio.channels[0]!.length).toBe(60 * 22050);
    expect(countClicks(result.audio.channels, 22050, result.seams)).toBe(0);
    expect(result.notes.join(" ")).toMatch(/fade/);
  });

  test("finishes a song that has an ending with that ending", async () => {
    const ending = clickSong({ seconds: 40, seed: 6, endingSeconds: 1 });
    const result = await remixExtend(ending, { ...options, targetSeconds: 100, seed: 1 });
    expect(result.notes.join(" ")).toMatch(/own last/);
    const out = result.audio.channels[0]!;
    // The last second is the original's silence, and the 3 s before it its fade.
    const tail = out.subarray(out.length - Math.round(0.5 * 22050));
    expect(Math.max(...tail.map(Math.abs))).toBeLessThan(1e-3);
  });

  test("handles a beatless drone with a pseudo-beat grid", async () => {
    const hum = drone(30);
    expect(analyseBeats(hum).method).toBe("grid");
    const result = await remixExtend(hum, { ...options, targetSeconds: 75, seed: 1 });
    expect(result.audio.channels[0]!.length).toBe(75 * 22050);
    expect(result.notes.join(" ")).toMatch(/no clear beat/);
    expect(countClicks(result.audio.channels, 22050, result.seams)).toBe(0);
  });

  test("is deterministic for a seed", async () => {
    const a = await remixExtend(song, { ...options, targetSeconds: 100, seed: 9 });
    const b = await remixExtend(song, { ...options, targetSeconds: 100, seed: 9 });
    expect(a.seams).toEqual(b.seams);
    expect(sameSamples(a.audio.channels[1]!, b.audio.channels[1]!)).toBe(true);
  });

  test("refuses a target below the shortest the song can be made, naming that length", async () => {
    await expect(remixExtend(song, { ...options, targetSeconds: 10 })).rejects.toThrow(
      /target of 10\.0 s is shorter than this song can be made.*ask for at least \d+\.\d s/,
    );
  });
});

describe("remixExtend with a guide", () => {
  // 16 s of chord 0 (A), 32 s of chord 5 (B), 32 s of A again: sections longer than the model's horizon, and enough
  // phrases that the rules (no phrase again within 20 s, recent ones avoided) leave the model several to choose from.
  const sections = clickSong({ seconds: 80, seed: 11, chordOfBar: (bar) => (bar >= 8 && bar < 24 ? 5 : 0) });

  /** A model that always "hears" section B next: it returns a B stretch of the song itself. */
  const favoursB: Predictor = {
    sampleRate: 22050,
    contextSeconds: 20,
    horizonSeconds: 10,
    backend: "cpu",
    predict: async () => {
      const out = new Float32Array(10 * 22050);
      // 18-28 s is inside B.
      const b = sections.channels[0]!.subarray(18 * 22050, 28 * 22050);
      for (let i = 0; i < out.length; i++) out[i] = b[i % b.length]!;
      return out;
    },
  };

  test("consults the model at every phrase boundary and says how often it overruled the rules' first choice", async () => {
    const guided = await remixExtend(sections, { ...options, targetSeconds: 200, seed: 1, guide: favoursB });
    expect(guided.notes.join(" ")).toMatch(/the model chose [1-9]\d* of \d+ phrases/);
  });

  test("a steering that prefers section B gets more of B, within the variety rules", async () => {
    const share = (result: RemixResult) => {
      const b = result.segments.reduce((sum, s) => sum + overlap(s.sourceStart, s.sourceStart + s.seconds, 16, 48), 0);
      return b / result.segments.reduce((sum, s) => sum + s.seconds, 0);
    };
    const prefersB: PhraseSteering = {
      summary: () => "prefers B",
      choose: async (choices, phrases) => {
        const inB = (c: { phrase: number }) =>
          overlap(phrases[c.phrase]!.start * 0.5, phrases[c.phrase]!.end * 0.5, 16, 48);
        return choices.reduce((best, c, i) => (inB(c) > inB(choices[best]!) ? i : best), 0);
      },
    };
    const plain = await remixExtend(sections, { ...options, targetSeconds: 200, seed: 1 });
    const steered = await remixExtend(sections, { ...options, targetSeconds: 200, seed: 1, phraseSteering: prefersB });
    expect(share(steered)).toBeGreaterThan(share(plain) + 0.05);
    const runs = steered.segments.map((s) => s.seconds);
    expect(Math.max(...runs)).toBeLessThanOrEqual(45);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { type RemixResult, remixExtend } from "../../../engine/remix/index.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { clickSong } from "./signals.ts";

const RATE = 22050;
const settings = { fadeOutSeconds: 3, crossfadeSeconds: 0.02, form: "continue" } as const;

/** `seconds` of a pad song, then 30 s of `last` at the same tempo: a song that went on to a new texture. */
function songThatMovesOn(last: PcmAudio, seconds = 90): PcmAudio {
  const first = synthesizeSong({ seconds, sampleRate: RATE, channels: 1, bpm: 120, key: 0, seed: 1 });
  const channel = new Float32Array((seconds + 30) * RATE);
  channel.set(first.channels[0]!.subarray(0, seconds * RATE));
  channel.set(last.channels[0]!.subarray(0, 30 * RATE), seconds * RATE);
  return { sampleRate: RATE, channels: [channel] };
}

/** The new texture: clicks, a melody and a chord per bar, no bar like the one before. */
const clicks = () => songThatMovesOn(clickSong({ seconds: 30, sampleRate: RATE, bpm: 120, seed: 2 }));

/** The segments that play output seconds [from, to). */
const within = (result: RemixResult, from: number, to: number) =>
  result.segments.filter((s) => s.outputStart < to && s.outputStart + s.seconds > from);

/** Seconds of output in [from, to) played from the input at or after `since`. */
function playedFrom(result: RemixResult, since: number, from: number, to: number): number {
  let seconds = 0;
  for (const segment of within(result, from, to)) {
    const start = Math.max(from, segment.outputStart);
    const end = Math.min(to, segment.outputStart + segment.seconds);
    const sourceStart = segment.sourceStart + (start - segment.outputStart);
    seconds += Math.max(0, sourceStart + (end - start) - Math.max(since, sourceStart));
  }
  return seconds;
}

const loopOf = async (song: PcmAudio, result: RemixResult) =>
  (await measureExtension({ original: song, result: result.audio, seams: result.seams })).shortestLoopSeconds;

describe("continue form can open on the input's recent bars, re-ordered (recentBarsSeconds)", () => {
  const song = clicks();
  let opened: RemixResult;
  beforeAll(async () => {
    opened = await remixExtend(song, { ...settings, targetSeconds: 210, recentBarsSeconds: 30 });
  });

  it("stays in the new texture of the last 30 s for the first 30 s after the input, without a back-to-back loop", async () => {
    // The phrase walk alone (the default) plays 2 of these 30 s from the pad song, in whole phrases.
    expect(playedFrom(opened, 90, 120, 150) / 30).toBeGreaterThanOrEqual(0.99);
    expect(opened.notes.join(" ")).toMatch(/\d+\.\d s of its last 30 s re-ordered in 2-bar units/);
    const loop = await loopOf(song, opened);
    expect(loop === 0 || loop >= 20, `a ${loop} s back-to-back loop`).toBe(true);
  });

  it("in new orders: at least five stretches, none longer than 10 s, none right after itself", () => {
    const opening = within(opened, 120, 150);
    expect(opening.length).toBeGreaterThanOrEqual(5);
    for (const segment of opening) expect(segment.seconds).toBeLessThanOrEqual(10.5);
    for (let i = 1; i < opening.length; i++)
      expect(Math.abs(opening[i]!.sourceStart - opening[i - 1]!.sourceStart)).toBeGreaterThan(1);
  });

  it("unset (the default), walks the phrases alone", async () => {
    const walk = await remixExtend(song, { ...settings, targetSeconds: 210 });
    expect(walk.notes.join(" ")).not.toMatch(/2-bar units/);
    expect(walk.segments).not.toEqual(opened.segments);
  });
});

describe("recent bars that are one loop", () => {
  it("a last 30 s of one 4-bar pattern (its 2-bar units alike at 4 bars): stops re-ordering rather than loop", async () => {
    // Before the units were compared as the loop measure hears them, this played a 3.97 s back-to-back loop; before
    // the rotation heard the output as the measure does (h52), its first unit made a 19.97 s one.
    const song = songThatMovesOn(
      synthesizeSong({ seconds: 30, sampleRate: RATE, channels: 1, bpm: 120, key: 5, seed: 2 }),
    );
    const result = await remixExtend(song, { ...settings, targetSeconds: 210, recentBarsSeconds: 30 });
    expect(result.notes.join(" ")).toMatch(/s of its last 30 s re-ordered in 2-bar units/);
    const loop = await loopOf(song, result);
    expect(loop === 0 || loop >= 20, `a ${loop} s back-to-back loop`).toBe(true);
  });
});

describe("the walk after the rotation", () => {
  it("does not play again at once a short phrase the rotation's last unit played from its first beat", async () => {
    // A 40 s song of four phrases, the last one bar long; the rotation's last unit (bars 18-19) plays that bar, and
    // the walk counted the phrase as started only where a unit began: it played the bar again, a 1.97 s loop (h56).
    const song = clickSong({ seconds: 40, seed: 3 });
    const result = await remixExtend(song, {
      fadeOutSeconds: 4,
      crossfadeSeconds: 0.02,
      targetSeconds: 200,
      seed: 4,
      recentBarsSeconds: 30,
    });
    expect(result.notes.join(" ")).toMatch(/s of its last 30 s re-ordered in 2-bar units/);
    const loop = await loopOf(song, result);
    expect(loop === 0 || loop >= 20, `a ${loop} s back-to-back loop`).toBe(true);
  });
});

import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { measureForm } from "../../../engine/quality/form.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import type { BeatAnalysis } from "../../../engine/analysis/beats.ts";
import type { SongForm } from "../../../engine/analysis/form.ts";
import { outroNotes, songTime } from "../../../engine/remix/need.ts";
import { synthesizeFormSong } from "../../../engine/synth/form-song.ts";
import { scaledLimitSeconds } from "../../../engine/variety.ts";
import { clickSong } from "./signals.ts";

const rate = 22050;
const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02 };

/** A 120 s song with an intro (rising out of silence over 5 s), a body of distinct bars, and a fade to 1 s of silence. */
function songWithForm(seconds: number, seed: number): PcmAudio {
  const song = clickSong({ seconds, seed, endingSeconds: 1 });
  return { sampleRate: rate, channels: song.channels.map((c) => c.map((v, i) => v * Math.min(1, i / (5 * rate)))) };
}

const song = songWithForm(120, 31);
const input = song.channels[0]!;
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe("plan by need: a little longer keeps the whole song", () => {
  test.each([10, 60])(
    "+%i s: exact, the intro and the ending kept, every second of the song heard, few joins",
    async (added) => {
      const result = await remixExtend(song, { ...options, targetSeconds: 120 + added, seed: 1 });
      const out = result.audio.channels[0]!;
      expect(out.length).toBe((120 + added) * rate);
      expect(result.form).toBe("song");
      const intro = Math.round(result.introSeconds * rate);
      expect(same(out.subarray(0, intro), input.subarray(0, intro))).toBe(true);
      const form = measureForm(song, result.audio, { introSeconds: result.introSeconds });
      expect(form.endsWithInputEnding).toBe(true);
      expect(form.introReplays).toBe(1);
      expect(form.coveragePercent!).toBeGreaterThanOrEqual(98);
      // The variety limits scale with what is added: 45 s plus most of the rest of the song for a small addition.
      expect(form.longestVerbatimRunSeconds).toBeLessThanOrEqual(scaledLimitSeconds(45, 120, added));
      expect(form.longestRepeatedStretchSeconds).toBeLessThan(scaledLimitSeconds(30, 120, added));
      // The fewest edits: a repeat (one join) or a phrase played again elsewhere (two joins) per 30 s or so added.
      expect(result.seams.length).toBeLessThanOrEqual(2 * Math.ceil(added / 30));
      expect(result.notes.join("\n")).toMatch(/song in its own order with \d+ edits?/);
    },
  );

  test("twice the song's length still plays every second of it", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 240, seed: 1 });
    expect(result.audio.channels[0]!.length).toBe(240 * rate);
    const form = measureForm(song, result.audio, { introSeconds: result.introSeconds });
    expect(form.coveragePercent!).toBeGreaterThanOrEqual(98);
    expect(form.endsWithInputEnding).toBe(true);
    // A song's length added: the full variety rules (a beat of tolerance for the joins' alignment).
    expect(form.longestVerbatimRunSeconds).toBeLessThanOrEqual(45.5);
    expect(form.longestRepeatedStretchSeconds).toBeLessThan(30);
  });

  test("continue form already covers the song: the whole input, then a continuation", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 130, seed: 1, form: "continue" });
    expect(same(result.audio.channels[0]!.subarray(0, input.length), input)).toBe(true);
    expect(measureForm(song, result.audio).coveragePercent!).toBeGreaterThanOrEqual(98);
  });
});

describe("shorten", () => {
  test("to 75 %: exact, phrases left out at bar lines in song order, the intro and the ending kept, and reported", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 90, seed: 1 });
    const out = result.audio.channels[0]!;
    expect(out.length).toBe(90 * rate);
    expect(result.form).toBe("song");
    const intro = Math.round(result.introSeconds * rate);
    expect(intro).toBeGreaterThan(0);
    expect(same(out.subarray(0, intro), input.subarray(0, intro))).toBe(true);
    const form = measureForm(song, result.audio, { introSeconds: result.introSeconds });
    expect(form.endsWithInputEnding).toBe(true);
    // Only left out, never re-ordered: every later run starts further on in the song, on a bar line (2 s at 120 BPM).
    const starts = result.segments.map((s) => s.sourceStart);
    for (let i = 1; i < starts.length; i++) expect(starts[i]!).toBeGreaterThan(starts[i - 1]!);
    for (const start of starts) expect(Math.abs(start / 2 - Math.round(start / 2))).toBeLessThan(0.03);
    const leftOut = result.notes.find((n) => n.startsWith("left out (song time)"));
    expect(leftOut).toMatch(/left out \(song time\): \d:\d\d\.\d–\d:\d\d\.\d.*\((2\d|30)\.\d s\)/);
    expect(form.coveragePercent!).toBeGreaterThan(70);
    expect(form.coveragePercent!).toBeLessThan(82);
  });

  test("refuses a target below the intro, a phrase and the ending, naming the shortest length", async () => {
    const error = await remixExtend(song, { ...options, targetSeconds: 12 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_TARGET" });
    expect((error as Error).message).toMatch(/shorter than this song can be made.*ask for at least \d+\.\d s/);
    const shortest = Number(/ask for at least (\d+\.\d) s/.exec((error as Error).message)![1]);
    const result = await remixExtend(song, { ...options, targetSeconds: shortest, seed: 1 });
    expect(result.audio.channels[0]!.length).toBe(Math.round(shortest * rate));
  });
});

describe("plan by need: no back-to-back loop", () => {
  // The form song plays its first chorus phrase twice. At 120 BPM, +20 s once put the second copy's last 4 s in the
  // middle of the first, right before that copy's own last 4 s: a 4 s loop. At 100 BPM, +44 s played 6 s leading into
  // the chorus again right after the same 6 s of its other copy (h41's trial: freezingpoint, frozen-mainzik to 330 s).
  test.each([
    { bpm: 120, added: 20 },
    { bpm: 100, added: 44 },
  ])("$bpm BPM, +$added s: a span played again is not placed beside another copy of itself", async ({ bpm, added }) => {
    const song = synthesizeFormSong({ sampleRate: rate, channels: 1, bpm, seed: 1 });
    const length = song.channels[0]!.length / rate;
    const result = await remixExtend(song, { ...options, targetSeconds: length + added, seed: 1 });
    expect(result.form).toBe("song");
    const report = await measureExtension({
      original: song,
      result: result.audio,
      seams: result.seams,
      introSeconds: result.introSeconds,
    });
    expect(
      report.shortestLoopSeconds === 0 || report.shortestLoopSeconds >= 20,
      `${report.shortestLoopSeconds} s`,
    ).toBe(true);
    expect(report.coveragePercent!).toBeGreaterThanOrEqual(98);
    expect(result.seams.length).toBeLessThanOrEqual(4);
  });
});

describe("the notes' song times", () => {
  test("round to the tenth before the minutes are taken: 59.96 s reads 1:00.0, never 0:60.0", () => {
    expect([songTime(59.96 * 44100, 44100), songTime(83.64 * 48000, 48000), songTime(0, 22050)]).toEqual([
      "1:00.0",
      "1:23.6",
      "0:00.0",
    ]);
  });
});

describe("the ending's notes", () => {
  const rate = 1000;
  const analysis = { length: 100 * rate, sampleRate: rate, beats: Array.from({ length: 100 }, (_, b) => b * rate) };
  const form = { endingStartBeat: 80 };
  const notesFor = (beat: number, approachSamples: number) =>
    outroNotes(
      { kind: "outro", beat, padSamples: 0, approachSamples },
      [{ start: beat * rate - approachSamples, end: analysis.length }],
      analysis as unknown as BeatAnalysis,
      form as unknown as SongForm,
    );

  test("say the ending was entered early only when the exit came into its approach", () => {
    expect(notesFor(76, 4 * rate).join("\n")).toMatch(/entered 4\.0 s early/);
    expect(notesFor(80, 0.2 * rate).join("\n")).not.toMatch(/early/);
  });
});

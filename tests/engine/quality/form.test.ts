import { describe, expect, test } from "vitest";
import { concat } from "./parts.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import {
  checkTargets,
  formatMedianTable,
  measureExtension,
  measureForm,
  medianReports,
  type QualityReport,
} from "../../../engine/quality/index.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { clickSong } from "../remix/signals.ts";
import { passingReport } from "./fixtures/quality-report.ts";

const rate = 22050;

/** Seconds [from, to) of a signal (a view). */
const slice = (audio: PcmAudio, from: number, to: number): PcmAudio => ({
  sampleRate: audio.sampleRate,
  channels: audio.channels.map((c) =>
    c.subarray(Math.round(from * audio.sampleRate), Math.round(to * audio.sampleRate)),
  ),
});

const silence = (seconds: number, like: PcmAudio): PcmAudio => ({
  sampleRate: like.sampleRate,
  channels: like.channels.map(() => new Float32Array(Math.round(seconds * like.sampleRate))),
});

/**
 * Input passages [start, end) (seconds) played one after another, each joined with a 20 ms equal-power crossfade
 * from the previous passage's continuation, as the remix engine joins beats. Returns the result and its seams.
 */
function resequence(
  input: PcmAudio,
  passages: readonly (readonly [number, number])[],
): { audio: PcmAudio; seams: number[] } {
  const fade = Math.round(0.02 * rate);
  const total = passages.reduce((n, [a, b]) => n + Math.round(b * rate) - Math.round(a * rate), 0);
  const seams: number[] = [];
  const channels = input.channels.map((source) => {
    const out = new Float32Array(total);
    let at = 0;
    let previousEnd = -1;
    for (const [a, b] of passages) {
      const from = Math.round(a * rate);
      const count = Math.round(b * rate) - from;
      out.set(source.subarray(from, from + count), at);
      if (previousEnd >= 0) {
        for (let k = 0; k < fade; k++) {
          const t = (k + 0.5) / fade;
          out[at + k] =
            Math.cos((Math.PI / 2) * t) * source[previousEnd + k]! + Math.sin((Math.PI / 2) * t) * source[from + k]!;
        }
      }
      previousEnd = from + count;
      at += count;
    }
    return out;
  });
  let at = 0;
  for (const [a, b] of passages.slice(0, -1)) {
    at += Math.round(b * rate) - Math.round(a * rate);
    seams.push(at / rate);
  }
  return { audio: { sampleRate: rate, channels }, seams };
}

describe("a da capo extension: the song, 1.5 s of silence, the song again from the top", () => {
  const song = synthesizeSong({ seconds: 40, sampleRate: rate, channels: 2, seed: 3 });
  const result = concat(song, silence(1.5, song), slice(song, 0, 28.5));

  test("replays the intro and leaves a 1.5 s hole the song does not have", () => {
    const form = measureForm(song, result);
    expect(form.introReplays).toBe(2);
    expect(form.longestInternalSilenceSeconds).toBeGreaterThan(1.4);
    expect(form.longestInternalSilenceSeconds).toBeLessThan(1.6);
    expect(form.originalLongestInternalSilenceSeconds).toBeLessThan(0.1);
    // The replay after the input (introSeconds defaults to the input's length) is one 28.5 s copy.
    expect(form.longestVerbatimRunSeconds).toBeCloseTo(28.5, 2);
    expect(form.endsWithInputEnding).toBe(false);
  });

  test("checkTargets flags the replayed intro and the silence", async () => {
    const report = await measureExtension({ original: song, result, seams: [40, 41.5] });
    const checks = checkTargets(report, { inputHasEnding: false });
    const byKey = new Map(checks.map((c) => [c.key, c]));
    expect(byKey.get("introReplays")).toMatchObject({ value: 2, target: "1", met: false });
    expect(byKey.get("longestInternalSilenceSeconds")?.met).toBe(false);
    expect(byKey.get("endsWithInputEnding")?.met).toBeNull();
  });
});

test("a verbatim loop: a 100 s song, then one 88 s stretch of it three times", () => {
  const song = synthesizeSong({ seconds: 100, sampleRate: rate, channels: 2, seed: 4 });
  const block = slice(song, 6, 94);
  const form = measureForm(song, concat(song, block, block, block));
  expect(form.longestRepeatedStretchSeconds).toBeGreaterThanOrEqual(85);
  expect(form.longestVerbatimRunSeconds).toBeGreaterThanOrEqual(85);
  // The synthetic song's bass, chords and melody repeat every 8 s; only its random drums differ, never for 1 s.
  expect(form.originalLongestRepeatedStretchSeconds).toBeLessThan(1);
  expect(form.introReplays).toBe(1);
});

describe("an extension in song form: intro, re-sequenced 8 s passages of the middle, the song's own ending", () => {
  // 90 s at 120 BPM (2 s bars), fading out over its last 4 s into 2 s of silence: an ending of its own.
  const song = clickSong({ seconds: 90, seed: 11, endingSeconds: 2 });
  // 8 s middle passages, joined half-way between beats (a join on a beat's click would read as a click); no two
  // neighbours overlap or continue each other.
  const starts = [44, 22, 58, 30, 66, 36, 50, 26, 62, 40].map((s) => s + 0.25);
  const passages = [[0, 20.25], ...starts.map((s) => [s, s + 8] as const), [75.25, 90]] as const;
  const { audio: result, seams } = resequence(song, passages);

  test("plays the intro once, ends with the song's ending, and repeats nothing long", () => {
    const form = measureForm(song, result, { introSeconds: 20.25 });
    expect(form.introReplays).toBe(1);
    expect(form.endsWithInputEnding).toBe(true);
    // Nothing after the intro is copied for longer than the 14.75 s ending (the passages are 8 s).
    expect(form.longestVerbatimRunSeconds).toBeGreaterThan(14.7);
    expect(form.longestVerbatimRunSeconds).toBeLessThanOrEqual(14.75);
    // Neighbouring starts 4 s apart share 4 s of music (22 and 26, 58 and 62, ...): that is the longest repeat.
    expect(form.longestRepeatedStretchSeconds).toBeLessThanOrEqual(4.1);
    expect(form.longestInternalSilenceSeconds).toBe(0);
  });

  test("without its last 14.75 s it no longer ends with the song's ending", () => {
    const cut = slice(result, 0, 100.25);
    expect(measureForm(song, cut, { introSeconds: 20.25 }).endsWithInputEnding).toBe(false);
  });

  test("meets every quality target but coverage: 20.25-22.25 s and 74.25-75.25 s of the song never play", async () => {
    const report = await measureExtension({ original: song, result, seams, introSeconds: 20.25 });
    const checks = checkTargets(report, { inputHasEnding: true });
    expect(checks.map((c) => c.key)).toContain("endsWithInputEnding");
    expect(checks.filter((c) => c.met !== true).map((c) => c.key)).toEqual(["coveragePercent"]);
    // 3 s of the 88 sounding seconds left out (96.6 %), less the unconfirmed 20-40 ms at the edges of each copy.
    expect(report.coveragePercent!).toBeGreaterThan(95.5);
    expect(report.coveragePercent!).toBeLessThanOrEqual(100 * (85 / 88));
    expect(report.extensionSeconds).toBeCloseTo(25, 6);
  });
});

test("runs are timed exactly at any sample rate: a 6.5 s copy at 48 kHz after a crossfade-free cut", () => {
  const song = synthesizeSong({ seconds: 12, sampleRate: 48000, channels: 1, seed: 9 });
  const result = concat(song, slice(song, 2.25, 8.75));
  const form = measureForm(song, result);
  expect(form.longestVerbatimRunSeconds).toBeCloseTo(6.5, 3);
  expect(form.longestRepeatedStretchSeconds).toBeCloseTo(6.5, 3);
});

describe("the medians table", () => {
  const report = (form: Partial<QualityReport>): QualityReport =>
    passingReport({ originalSeconds: 120, resultSeconds: 180, seamCount: 3, ...form });
  const runs = [
    { engine: "remix", seconds: 1, report: report({ introReplays: 1, longestVerbatimRunSeconds: 12 }) },
    {
      engine: "remix",
      seconds: 1,
      report: report({ introReplays: 2, endsWithInputEnding: false, longestVerbatimRunSeconds: 40 }),
    },
    {
      engine: "remix",
      seconds: 1,
      report: report({ introReplays: 3, endsWithInputEnding: false, longestVerbatimRunSeconds: 20 }),
    },
  ];

  test("shows the median verbatim run and intro replays, and the share of tracks that end with their own ending", () => {
    const row = medianReports(runs).remix!;
    expect(row.longestVerbatimRunSeconds).toBe(20);
    expect(row.introReplays).toBe(2);
    expect(row.endsWithInputEnding).toBeCloseTo(1 / 3, 9);
    expect(formatMedianTable(runs)).toMatch(/ends with input's ending \(share\) \[higher better\]\s+0\.33/);
  });
});

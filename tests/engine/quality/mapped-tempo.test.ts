import { describe, expect, test } from "vitest";
import type { BeatAnalysis } from "../../../engine/analysis/beats.ts";
import { mappedTempoBpm } from "../../../engine/quality/extension-analysis.ts";

const rate = 1000;

/** An input's beats from their intervals (seconds), with the beat tracker's tempo reading and median interval. */
function input(intervals: readonly number[], tempoBpm: number): BeatAnalysis {
  const beats = [0];
  for (const interval of intervals) beats.push(beats.at(-1)! + Math.round(interval * rate));
  const sorted = beats
    .slice(1)
    .map((b, i) => b - beats[i]!)
    .sort((a, b) => a - b);
  return { sampleRate: rate, beats, tempoBpm, beatSamples: sorted[sorted.length >> 1]! } as unknown as BeatAnalysis;
}

const percentOff = (bpm: number | undefined, reference: number) => (100 * Math.abs(bpm! - reference)) / reference;

describe("the extension's tempo read from the beats its copies carry", () => {
  test("a copy of the whole input reads the input's tempo, even when its beat intervals alternate", () => {
    // A beat grid quantised to analysis frames: 0.49 s and 0.51 s in turn, 120 BPM on average.
    const song = input(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? 0.51 : 0.49)),
      120,
    );
    const end = song.beats.at(-1)!;
    // The result plays the input from its 5th beat onwards, then from its 8th beat again (a join on the grid).
    const first = song.beats[4]!;
    const join = end - first;
    const segments = [
      { start: 0, end: join, offset: -first },
      { start: join, end: join + (end - song.beats[7]!), offset: join - song.beats[7]! },
    ];
    expect(percentOff(mappedTempoBpm(song, segments), 120)).toBeLessThan(0.5);
  });

  test("an extension made only of the input's faster half reads faster than the input", () => {
    // 30 beats at 120 BPM, then 30 at 150 BPM: the beat tracker reads the input at 133 BPM.
    const song = input([...Array(30).fill(0.5), ...Array(30).fill(0.4)], 133);
    const fast = song.beats[31]!;
    const end = song.beats.at(-1)!;
    const length = end - fast;
    const segments = [0, 1, 2].map((k) => ({ start: k * length, end: (k + 1) * length, offset: k * length - fast }));
    // The material played runs at 150 BPM: 12 % faster than the input as a whole, as a listener hears it.
    expect(percentOff(mappedTempoBpm(song, segments), 150)).toBeLessThan(3);
  });

  test("a beat inside a join's crossfade, where nothing is copied, is not read as a slower beat", () => {
    const song = input(Array(40).fill(0.5), 120);
    const beat = 500;
    // Two copies of beats 4-20, with the 0.25 s around each join (holding its beat) not a copy of anything.
    const length = 16 * beat;
    const segments = [0, 1, 2].map((k) => ({
      start: k * length + (k ? 125 : 0),
      end: (k + 1) * length - 125,
      offset: k * length - 4 * beat,
    }));
    expect(percentOff(mappedTempoBpm(song, segments), 120)).toBeLessThan(0.5);
  });
});

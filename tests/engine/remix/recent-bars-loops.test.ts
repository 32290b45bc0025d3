import { describe, expect, test } from "vitest";
import { createBeatVectoriser } from "../../../engine/analysis/beat-vectors.ts";
import { shortestLoopSeconds, slidingBlocks } from "../../../engine/quality/loops.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { rotateRecent } from "../../../engine/remix/recent-bars.ts";
import { createRunLoops } from "../../../engine/remix/run-loops.ts";
import { toRanges } from "../../../engine/remix/walk-ranges.ts";
import { mulberry32 } from "../../../engine/random.ts";
import { flatBeats, pitchFrames } from "./pitch-song.ts";

/**
 * The rotation's 2-bar units (8 beats) of a 64-beat song, 100 analysis frames a second (one frame a sample), 0.4 s
 * beats, whose audio is a run of 0.1 s sounds of one pitch class each. Unit 48 opens with the last 2.6 s of unit 32
 * (6.5 beats: a lag between beats), and the jump graph ranks it first after unit 32: played there, it plays those
 * seconds again straight away. Beat by beat nothing sounds alike (the rotation's unit and echo rules compare beats).
 */
const _rate = 100;
const beatSamples = 40;
const beats = Array.from({ length: 65 }, (_, b) => b * beatSamples);
const length = beats[64]!;
const copyFrom = beats[40]! - 260;
const pitchAt = (() => {
  const random = mulberry32(11);
  const pitches = Array.from({ length: length / 10 }, () => Math.floor(12 * random()));
  return (x: number): number =>
    x >= beats[48]! && x < beats[48]! + 260 ? pitchAt(x - beats[48]! + copyFrom) : pitches[Math.floor(x / 10)]!;
})();

const framesOf = (samples: number[]) => pitchFrames(pitchAt, samples);
const frames = framesOf(Array.from({ length }, (_, x) => x));
const analysis = flatBeats(length, beats.slice(0, 64), beatSamples);
const cuts = beats.slice(0, 64);

/** Out of the input, unit 24 joins best; out of unit 32 (after 24, the song's own order), unit 48. */
const graph = {
  beatCount: 64,
  firstPlayable: 0,
  lastPlayable: 63,
  distance: (a: number, b: number) => (a === b ? 0 : 1),
  transitionCost: (from: number, to: number) => ((from === 63 && to === 24) || (from === 39 && to === 48) ? 0.1 : 1),
  loudnessChange: () => 0,
  isDownbeat: (b: number) => b % 4 === 0,
  samePlaceInBar: (a: number, b: number) => a % 4 === b % 4,
} as unknown as JumpGraph;

/**
 * The rotation's units, and the shortest back-to-back loop the measure hears in the input followed by them, seconds
 * (0: none); `runs`: with an ear for loops (`everyLag`: hearing every lag, as the rotation's does).
 */
async function loopAfterRotation(runs: boolean, everyLag = true): Promise<{ seconds: number; units: number[] }> {
  const begin = { position: length, place: 64, from: 63, leadIn: 0 };
  const settings = { seconds: 12.8, firstBeat: 0, random: () => 0 };
  const ear = createRunLoops(analysis, frames, { cuts, maxSeconds: 20, everyLag });
  const rotation = (await rotateRecent(analysis, graph, cuts, begin, runs ? { ...settings, runs: ear } : settings))!;
  const ranges = [{ start: 0, end: length }, ...toRanges(rotation.steps, cuts, length)];
  const played = ranges.flatMap((r) => Array.from({ length: r.end - r.start }, (_, i) => r.start + i));
  const offsets: number[] = [];
  ranges.forEach((r) => {
    for (let x = r.start; x < r.end; x++) offsets.push(offsets.length - x);
  });
  const blocks = slidingBlocks(framesOf(played), beatSamples, createBeatVectoriser(analysis));
  const units = rotation.steps.filter((_, i) => i % 8 === 0).map((s) => s.beat);
  return { seconds: shortestLoopSeconds(blocks, 20, Float64Array.from(offsets)), units };
}

describe("the recent bars' rotation hears the output as the loop measure does", () => {
  test("without its ear, the rotation plays the unit that repeats the last 2.6 s: a loop", async () => {
    const { seconds, units } = await loopAfterRotation(false);
    expect(units.slice(0, 3)).toEqual([24, 32, 48]);
    expect(seconds).toBeCloseTo(2.6, 1);
  });

  test("an ear for the lags that line the beats up only (the walk's) does not hear it", async () => {
    const { seconds, units } = await loopAfterRotation(true, false);
    expect(units[2]).toBe(48);
    expect(seconds).toBeGreaterThan(0);
  });

  test("with it, the next unit is one that makes no back-to-back loop", async () => {
    const { seconds, units } = await loopAfterRotation(true);
    expect(units.slice(0, 2)).toEqual([24, 32]);
    expect(units[2]).not.toBe(48);
    expect(units.length).toBe(4);
    expect(seconds).toBe(0);
  });
});

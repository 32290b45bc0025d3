import { beforeAll, describe, expect, it } from "vitest";
import { secondFrames } from "../../../engine/analysis/second-frames.ts";
import type { Conductor } from "../../../engine/model/port.ts";
import { type RemixResult, remixExtend } from "../../../engine/remix/index.ts";
import { createRotationSteering } from "../../../engine/remix/rotation-steering.ts";
import { clickSong } from "./signals.ts";

const RATE = 22050;
/** Clicks, a melody and a chord per bar, no bar like the one before: the last 30 s are 2-bar units at 90, 94, ... 114 s. */
const song = clickSong({ seconds: 120, sampleRate: RATE, bpm: 120, seed: 2 });
const frames = secondFrames(song);
/** A conductor that always predicts the input's 10 s from `second` on. */
const predicting = (second: number): Conductor => ({
  contextFrames: 20,
  horizonFrames: 10,
  featureSize: frames[0]!.length,
  backend: "cpu",
  predict: async () => frames.slice(second, second + 10),
});

/** The input's second the output plays at `outputSecond`. */
function sourceAt(result: RemixResult, outputSecond: number): number | undefined {
  const segment = result.segments.find(
    (s) => s.outputStart <= outputSecond && outputSecond < s.outputStart + s.seconds,
  );
  return segment && segment.sourceStart + (outputSecond - segment.outputStart);
}

describe("the conductor chooses the order of the recent bars (recentBarsSeconds)", () => {
  const settings = { fadeOutSeconds: 3, crossfadeSeconds: 0.02, form: "continue", targetSeconds: 180 } as const;
  let rules: RemixResult;
  let conducted: RemixResult;
  beforeAll(async () => {
    rules = await remixExtend(song, { ...settings, recentBarsSeconds: 30 });
    conducted = await remixExtend(song, { ...settings, recentBarsSeconds: 30, conductor: predicting(106) });
  }, 120_000);

  it("without a conductor, the rules' cheapest join opens the rotation (the unit at 94 s), and no note of one", () => {
    // The first unit plays from about 122 s (after its lead-in); 123 s is inside it.
    const source = sourceAt(rules, 123)!;
    expect(source).toBeGreaterThanOrEqual(94);
    expect(source).toBeLessThan(98);
    expect(rules.notes.join(" ")).not.toMatch(/in the recent bars the conductor/);
  });

  it("plays the unit its prediction points at right after the input, and the report counts the change", () => {
    const source = sourceAt(conducted, 123)!;
    expect(source).toBeGreaterThanOrEqual(106);
    expect(source).toBeLessThan(110);
    const note = conducted.notes.join(" ").match(/in the recent bars the conductor chose (\d+) of (\d+) units/);
    expect(note).not.toBeNull();
    expect(Number(note![1])).toBeGreaterThanOrEqual(1);
    expect(Number(note![2])).toBeGreaterThanOrEqual(Number(note![1]));
  });

  it("without recent bars, the conductor's output has no rotation and no note of one", async () => {
    const walk = await remixExtend(song, { ...settings, conductor: predicting(106) });
    expect(walk.notes.join(" ")).not.toMatch(/recent bars|2-bar units/);
  }, 60_000);
});

describe("the conductor's say among the rotation's units", () => {
  const heard = [{ start: 0, end: 120 * RATE }];
  const unit = (second: number, cost: number) => ({ unit: second * 2, start: second * RATE, cost });

  it("takes the predicted unit when its join costs within the margin of the cheapest", async () => {
    const steering = createRotationSteering(song, predicting(106), { margin: 1, weight: 4 });
    expect(await steering.choose([unit(94, 1.3), unit(106, 1.9), unit(110, 1.5)], heard)).toBe(1);
    expect(steering.summary()).toMatch(/chose 1 of 1 units against the rules' cheapest join/);
  });

  it("keeps the cheapest join when the predicted unit costs more than the margin above it", async () => {
    const steering = createRotationSteering(song, predicting(106), { margin: 1, weight: 4 });
    expect(await steering.choose([unit(94, 1.3), unit(106, 2.5)], heard)).toBe(0);
    expect(steering.summary()).toMatch(/chose 0 of 0 units/);
  });
});

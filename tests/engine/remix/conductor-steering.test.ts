import { describe, expect, test } from "vitest";
import { secondFrames } from "../../../engine/analysis/second-frames.ts";
import type { Conductor } from "../../../engine/model/port.ts";
import { contextFrames } from "../../../engine/remix/conductor-steering.ts";
import { remixExtend, type RemixResult } from "../../../engine/remix/index.ts";
import { clickSong } from "./signals.ts";

const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02 };
const overlap = (a: number, b: number, c: number, d: number) => Math.max(0, Math.min(b, d) - Math.max(a, c));

describe("the conductor steers the planner", () => {
  // 24 s of chord 0 (A), 24 s of chord 5 (B), 24 s of A: sections longer than the conductor's 10 s horizon.
  const song = clickSong({ seconds: 72, seed: 11, chordOfBar: (bar) => (bar >= 12 && bar < 24 ? 5 : 0) });
  const frames = secondFrames(song);
  let calls = 0;
  /** A conductor that always "hears" section B next: it returns B's own frames. */
  const hearsB: Conductor = {
    contextFrames: 20,
    horizonFrames: 10,
    featureSize: frames[0]!.length,
    backend: "cpu",
    predict: async (context) => {
      expect(context).toHaveLength(20);
      calls++;
      return frames.slice(30, 40);
    },
  };
  const shareOfB = (result: RemixResult) => {
    const b = result.segments.reduce((sum, s) => sum + overlap(s.sourceStart, s.sourceStart + s.seconds, 24, 48), 0);
    return b / result.segments.reduce((sum, s) => sum + s.seconds, 0);
  };

  test("in song form, asks at phrase boundaries, plays more of the section it predicts, says so, and keeps the variety rules", async () => {
    const plain = await remixExtend(song, { ...options, targetSeconds: 200, seed: 1, form: "song" });
    const conducted = await remixExtend(song, {
      ...options,
      targetSeconds: 200,
      seed: 1,
      form: "song",
      conductor: hearsB,
    });
    expect(calls).toBeGreaterThan(5);
    expect(conducted.notes.join(" ")).toMatch(/the conductor chose [1-9]\d* of \d+ phrases/);
    expect(shareOfB(conducted)).toBeGreaterThan(shareOfB(plain) + 0.05);
    expect(Math.max(...conducted.segments.map((s) => s.seconds))).toBeLessThanOrEqual(45);
  });

  test("still conducts when every choice breaks a rule: a 40 s song stretched to 5 minutes", async () => {
    const short = clickSong({ seconds: 40, seed: 5, endingSeconds: 1 });
    const result = await remixExtend(short, { ...options, targetSeconds: 300, seed: 1, conductor: hearsB });
    expect(result.audio.channels[0]!.length).toBe(300 * 22050);
    expect(result.notes.join(" ")).toMatch(/variety: /);
  });

  test("reads the last seconds of the output across its joins, oldest first", () => {
    const rate = 100;
    // The output so far: source [0, 500) then source [2000, 2250): 7.5 s.
    const heard = [
      { start: 0, end: 500 },
      { start: 2000, end: 2250 },
    ];
    expect(contextFrames(heard, 4, rate)).toEqual([350, 450, 2050, 2150]);
  });
});

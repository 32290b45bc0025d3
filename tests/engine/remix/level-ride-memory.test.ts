import { describe, expect, test } from "vitest";
import { rideLevelsOn } from "../../../engine/remix/level-ride.ts";
import { copyOp, Timeline } from "../../../engine/remix/timeline.ts";
import { heldBuffersMb } from "../../support/held-memory.ts";

describe("the level ride's memory", () => {
  test("does not grow with the result: 10 hours of phrases 4 LU apart hold no gain per 10 ms (was 14 MB)", () => {
    const sampleRate = 44_100;
    const phrase = 10 * sampleRate;
    const total = 10 * 3600 * sampleRate;
    const input = [new Float32Array(phrase).fill(0.1)];
    const timeline = new Timeline(1, total, sampleRate);
    for (let at = 0; at < total; at += phrase) timeline.add(copyOp(input, at, 0, phrase));
    const seams = Array.from({ length: total / phrase - 1 }, (_, k) => (k + 1) * phrase);
    const before = heldBuffersMb();
    const summary = rideLevelsOn(timeline, {
      sampleRate,
      seams,
      protectedEnd: phrase,
      transitionSamples: 441,
      peak: 1,
      rawLoudness: (from) => (Math.floor(from / phrase) % 2 === 0 ? -20 : -24),
    });
    expect(summary.ridden).toBeGreaterThan(3000);
    // The gains are rendered from the timeline's operations: held with it, whatever the ride remembered meanwhile.
    expect(heldBuffersMb() - before).toBeLessThan(2);
    expect(timeline.read(total - 10, total)[0]!.length).toBe(10);
  });
});

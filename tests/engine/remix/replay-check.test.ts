import { describe, expect, it } from "vitest";
import { replayLag } from "../../../engine/remix/replay-check.ts";

const options = { maxLag: 20, minLag: 0.5, minOverlap: 2 };

describe("replayLag (units: seconds here, samples in the planner)", () => {
  it("sees a run of two short phrases that replays the run heard 18 s before, which neither phrase alone would", () => {
    // The input 0–40, then 28–38 played at 40–50, then 20–28 at 50–58: playing 28–38 again from 58 is 18 s after 40.
    const heard = [
      { start: 0, end: 40 },
      { start: 28, end: 38 },
      { start: 20, end: 28 },
    ];
    expect(replayLag(heard, { start: 28, end: 38, outputStart: 58 }, options)).toBe(18);
    // 8 s of it is less than half the lag: a return after other material, not a loop.
    expect(replayLag(heard, { start: 28, end: 36, outputStart: 58 }, options)).toBeUndefined();
  });

  it("lets material come back after 20 s or more", () => {
    const heard = [
      { start: 0, end: 40 },
      { start: 10, end: 30 },
    ];
    expect(replayLag(heard, { start: 10, end: 30, outputStart: 60 }, options)).toBeUndefined();
  });
});

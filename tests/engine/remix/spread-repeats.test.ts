import { describe, expect, test } from "vitest";
import { remixExtend, type RemixResult } from "../../../engine/remix/index.ts";
import { clickSong } from "./signals.ts";

const STRETCH = 30;
const STEP = 0.25;

/**
 * Measured from the result's segments, not from the planner: the source position each STEP of the output after the
 * intro plays (before the first segment the output is the input itself), then the shortest distance between two output positions whose next STRETCH seconds play the same
 * source in the same order (within 0.3 s: a join may move a phrase by up to half a beat to keep the pulse), at least
 * 1 s apart. Infinity when no stretch plays twice.
 */
function shortestRepeat(result: RemixResult): number {
  const segments = [...result.segments].sort((a, b) => a.outputStart - b.outputStart);
  const source: number[] = [];
  const first = segments[0]?.outputStart ?? 0;
  const end = segments.reduce((last, s) => Math.max(last, s.outputStart + s.seconds), 0);
  for (let t = result.introSeconds; t < end; t += STEP) {
    const s = segments.find((x) => x.outputStart <= t && t < x.outputStart + x.seconds);
    source.push(t < first ? t : s ? s.sourceStart + t - s.outputStart : Number.NaN);
  }
  const span = Math.round(STRETCH / STEP);
  const same = (i: number, j: number) => {
    for (let k = 0; k < span; k++) if (!(Math.abs(source[i + k]! - source[j + k]!) < 0.3)) return false;
    return true;
  };
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 0; i + span <= source.length; i++)
    for (let j = i + 4; j + span <= source.length && (j - i) * STEP < shortest; j++)
      if (same(i, j)) shortest = (j - i) * STEP;
  return shortest;
}

/** The distance the planner reports in its variety note, seconds. */
function reportedRepeat(result: RemixResult): number {
  const note = result.notes.find((n) => n.startsWith("variety: a stretch of 30 s")) ?? "";
  const match = /the closest two plays of the same 30 s stretch start (\d+):(\d\d) apart/.exec(note);
  expect(match, result.notes.join("\n")).not.toBeNull();
  return Number(match![1]) * 60 + Number(match![2]);
}

describe("variety at any length", () => {
  // A 50 s song with an ending (four 8 s phrases between its intro and its ending): it runs out of fresh orders.
  const song = clickSong({ seconds: 50, seed: 5, endingSeconds: 1 });
  const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02, seed: 1 };

  test("says how far apart the closest two plays of a repeated 30 s stretch are", async () => {
    // 15 minutes: more than the song's fresh orders cover (6 minutes of it now plays no 30 s stretch twice).
    const result = await remixExtend(song, { ...options, targetSeconds: 900 });
    const measured = shortestRepeat(result);
    expect(Number.isFinite(measured)).toBe(true);
    // The planner counts beats; the segments see the same repeat within a beat or two.
    expect(Math.abs(reportedRepeat(result) - measured)).toBeLessThanOrEqual(3);
    expect(Math.abs(result.shortestRepeatSeconds! - measured)).toBeLessThanOrEqual(3);
  }, 60_000);

  test("below 20 minutes the walk looks ahead: the 10-minute result's closest repeat is minutes apart", async () => {
    // The greedy walk ran into its repeats one phrase at a time: 0:32 apart at 10 minutes.
    const result = await remixExtend(song, { ...options, targetSeconds: 600 });
    const measured = shortestRepeat(result);
    expect(measured).toBeGreaterThanOrEqual(120);
    expect(Math.abs(reportedRepeat(result) - measured)).toBeLessThanOrEqual(3);
  }, 120_000);

  test("a long result out of fresh orders plays what it planned again as whole blocks: the repeats far apart", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 1500 });
    expect(result.audio.channels[0]!.length).toBe(1500 * 22050);
    const measured = shortestRepeat(result);
    expect(measured).toBeGreaterThanOrEqual(120);
    expect(Math.abs(reportedRepeat(result) - measured)).toBeLessThanOrEqual(3);
  }, 120_000);
});

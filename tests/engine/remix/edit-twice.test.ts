import { describe, expect, test } from "vitest";
import type { Edit } from "../../../engine/remix/edit-candidates.ts";
import { planEdits } from "../../../engine/remix/edit-plan.ts";
import { longestEditRepeat } from "../../../engine/remix/edit-repeats.ts";
import { echoBeats } from "../../../engine/remix/join-echo.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import type { SourceRange } from "../../../engine/remix/plan.ts";
import { analysis, form, rate } from "./beat-grid-song.ts";

function songGraph(cheap: ReadonlyMap<string, number>, loudnessStep?: (next: number, to: number) => number): JumpGraph {
  return {
    beatCount: 120,
    lastPlayable: 119,
    distance: (a: number, b: number) => (a === b ? 0 : 1),
    transitionCost: (from: number, to: number) => cheap.get(`${from}>${to}`) ?? 3,
    loudnessChange: (next: number, to: number) => Math.abs(loudnessStep?.(next, to) ?? 0),
    loudnessStep,
    samePlaceInBar: (a: number, b: number) => a % 4 === b % 4,
  } as unknown as JumpGraph;
}

/** The longest run of source beats the plan plays twice in the same order, beats (every beat's 10 samples alike). */
function longestRepeatedBeats(ranges: readonly SourceRange[]): number {
  const played = ranges.flatMap((r) => Array.from({ length: (r.end - r.start) / rate }, (_, k) => r.start / rate + k));
  let longest = 0;
  for (let lag = 1; lag < played.length; lag++) {
    let run = 0;
    for (let i = 0; i + lag < played.length; i++) {
      run = played[i] === played[i + lag] ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
  }
  return longest;
}

describe("plan by need at twice the song: two edits do not make the same join", () => {
  // Out of beat 103 into 40 is the song's smoothest join. Beats 80-103 played at 40 leave by it, and so does an insert
  // of 40-63 at 104: after it, both play 80-103 then 40-63, 48 s twice in the same order (Castle at x2: 51.6 s).
  const cheap = new Map([
    ["39>80", 0.1],
    ["103>40", 0.1],
    ["63>104", 0.1],
  ]);

  test("no stretch of 30 s (the limit when a song's length is added) plays twice", () => {
    const edited = planEdits(analysis, songGraph(cheap), form, { targetSamples: 240 * rate, crossfadeSamples: 0 });
    expect(edited).toBeDefined();
    const total = edited!.plan.ranges.reduce((sum, r) => sum + r.end - r.start, 0);
    expect(Math.abs(240 * rate - total)).toBeLessThanOrEqual(4 * rate);
    expect(longestRepeatedBeats(edited!.plan.ranges)).toBeLessThan(30);
  });
});

describe("plan by need: an insert does not ride the level of the song's only play beside its site", () => {
  // 12 s more: beats 80-91 played again, at 40 (smoothest) or 48. Into 80 out of 39 steps 1.05 LU down: the level ride
  // would sink the 8 s before beat 40, the song's only play of them (flare's town_theme at x2: coverage 95.8 %).
  const cheap = new Map([
    ["39>80", 0.1],
    ["91>40", 0.1],
    ["47>80", 0.15],
    ["91>48", 0.15],
  ]);
  const plan = (step: (next: number, to: number) => number) =>
    planEdits(analysis, songGraph(cheap, step), form, { targetSamples: 132 * rate, crossfadeSamples: 0 })!.edits;

  test("without a level step the smoothest site is chosen", () => {
    expect(plan(() => 0).map((e) => [e.kind, e.site, e.from, e.to])).toEqual([["insert", 40, 80, 92]]);
  });

  test("with one, the insert goes where no join sinks the song's own bars", () => {
    // At 48 the join into 80 steps up as much: as loud a change, but the ride is of the inserted copy.
    const step = (next: number, to: number) => (next === 40 && to === 80 ? 1.05 : next === 48 && to === 80 ? -1.05 : 0);
    expect(plan(step).map((e) => [e.kind, e.site, e.from, e.to])).toEqual([["insert", 48, 80, 92]]);
  });
});

describe("a join that plays the last bar again, shorter than the loop measure's 2 s window", () => {
  // Beats of 0.45 s: a bar of 4 beats is 1.8 s (Castle at x1.99: a one-bar loop of 1.86 s). Beats 16-19, the bar
  // before a join out of beat 19, sound like 40-43, the entry's first bar; the song's own next bar does not.
  const at = (beat: number) => 9 * beat;
  const alike = (a: number, b: number) => Math.min(a, b) >= 16 && Math.min(a, b) < 20 && Math.abs(a - b) === 24;
  const graph = {
    beatCount: 64,
    distance: (a: number, b: number) => (a === b || alike(a, b) ? 0.05 : 1),
  } as unknown as JumpGraph;

  test("is heard as an echo of one bar", () => {
    expect(echoBeats(graph, { from: 19, entry: 40, sampleRate: 20, maxSeconds: 20 }, at)).toBe(4);
  });
});

describe("the same join twice in a row", () => {
  // Beats 40-63 played twice, then 40-51 played again at 64: out of 63 into 40 twice, one copy right after the other
  // (lovin at x2: 1:09.0-1:35.9 twice, then 1:09.0-1:15.7 again at 1:35.9, 33.6 s repeated, limit 30).
  const edit = (kind: Edit["kind"], site: number, from: number, to: number) =>
    ({ kind, site, from, to, amount: (to - from) * rate, resume: 0, lo: 0, hi: 0, cost: 0 }) as Edit;

  test("is one stretch played twice across both copies: 24 s and 12 s", () => {
    const edits = [edit("repeat", 64, 40, 64), edit("insert", 64, 40, 52)];
    const repeat = longestEditRepeat(edits, (beat) => beat * rate, 120 * rate);
    expect(repeat.samples).toBe(36 * rate);
    expect(repeat.edit).toBe(edits[1]);
  });
});

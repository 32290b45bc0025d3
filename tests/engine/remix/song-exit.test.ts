import { describe, expect, test } from "vitest";
import type { BeatAnalysis } from "../../../engine/analysis/beats.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { chooseSongExit, type WalkStep } from "../../../engine/remix/song-exit.ts";

/**
 * A 120-beat song of 1,000-sample beats in 4/4 whose ending starts at beat 100, and a walk that plays beats 20-79
 * in order from the output's start. Every join costs 1, except into beat 104 (four beats into the ending), which
 * sounds like a perfect continuation: the planner is tempted to skip the ending's first bar.
 */
const BEAT = 1000;
const analysis = { length: 120 * BEAT, beatSamples: BEAT, soundEnd: 120 * BEAT } as BeatAnalysis;
const cuts = Array.from({ length: 120 }, (_, b) => b * BEAT);
const graph = {
  transitionCost: (_from: number, to: number) => (to === 104 ? 0 : 1),
  samePlaceInBar: (a: number, b: number) => (a - b) % 4 === 0,
} as JumpGraph;
const steps: WalkStep[] = Array.from({ length: 60 }, (_, k) => ({ beat: 20 + k, outputStart: k * BEAT, shift: 0 }));

const exitFor = (targetSamples: number) =>
  chooseSongExit(analysis, graph, cuts, steps, {
    firstStep: 1,
    endingBeat: 100,
    targetSamples,
    maxRunSamples: 45 * BEAT,
    costScale: 1,
  });

describe("the exit into the song's own ending", () => {
  test("keeps the whole ending, with up to a bar of silence after it, rather than skip into it for a smoother join", () => {
    // On the beat grid from 60 to 64 beats: each needs some silence after the ending (or an off-metre join) when
    // the ending is played whole; entering it at beat 104 would fit a bar-aligned join with less.
    for (let target = 60 * BEAT; target <= 64 * BEAT; target += BEAT) {
      const exit = exitFor(target);
      expect(exit.endingBeat, `target ${target / BEAT} beats`).toBe(100);
      expect(Math.abs(exit.padSamples)).toBeLessThanOrEqual(4 * BEAT);
    }
  });

  test("enters the ending later only when no exit into its start comes within a bar of the target", () => {
    // Exits only from the walk's 50th step (the output's 50th beat): with the whole 20-beat ending the output could not
    // end before beat 70, 8 beats past a target of 62.
    const exit = chooseSongExit(analysis, graph, cuts, steps, {
      firstStep: 50,
      endingBeat: 100,
      targetSamples: 62 * BEAT,
      maxRunSamples: 45 * BEAT,
      costScale: 1,
    });
    expect(exit.endingBeat).toBeGreaterThanOrEqual(104);
    // At least half of the ending is heard.
    expect(exit.endingBeat).toBeLessThanOrEqual(110);
    expect(Math.abs(exit.padSamples)).toBeLessThanOrEqual(4 * BEAT);
  });
});

describe("the piece before the join into the ending", () => {
  // 0.5 s beats. The walk plays beats 20-43 (12 s), then joins to beats 60-79. A target of 48 beats fits the whole
  // ending exactly after one bar (2 s) of the second phrase: a join, 2 s, a join again, heard as a stutter.
  const rate = { ...analysis, sampleRate: 2 * BEAT } as BeatAnalysis;
  const walk: WalkStep[] = [
    ...Array.from({ length: 24 }, (_, k) => ({ beat: 20 + k, outputStart: k * BEAT, shift: 0 })),
    ...Array.from({ length: 20 }, (_, k) => ({ beat: 60 + k, outputStart: (24 + k) * BEAT, shift: 0 })),
  ];
  /** Seconds played since the last join when the walk is left after `keep` steps. */
  const pieceBefore = (keep: number) => {
    let first = keep - 1;
    while (first > 0 && walk[first - 1]!.beat + 1 === walk[first]!.beat) first--;
    return ((keep - first) * BEAT) / rate.sampleRate;
  };

  test("is at least 4 s long when an exit with a longer piece fits within a bar of the target", () => {
    const exit = chooseSongExit(rate, graph, cuts, walk, {
      firstStep: 1,
      endingBeat: 100,
      targetSamples: 48 * BEAT,
      maxRunSamples: 45 * BEAT,
      costScale: 1,
    });
    expect(pieceBefore(exit.keep)).toBeGreaterThanOrEqual(4);
    expect(Math.abs(exit.padSamples)).toBeLessThanOrEqual(4 * BEAT);
  });
});

describe("the approach to a louder ending", () => {
  // Every join into the ending (beat 100 on) steps the level by 4 LU where the song itself steps 0: the ending is
  // heard at its own level, so such a join can't be ridden. Joins into the bars before it step the same 4 LU.
  const steep = {
    ...graph,
    firstPlayable: 0,
    loudnessChange: (next: number, to: number) => (next === to ? 0 : 4),
  } as JumpGraph;
  const exitWith = (approachBeats?: number) =>
    chooseSongExit(analysis, steep, cuts, steps, {
      firstStep: 1,
      endingBeat: 100,
      targetSamples: 62 * BEAT,
      maxRunSamples: 45 * BEAT,
      costScale: 1,
      approachBeats,
    });

  test("is entered a few bars before the ending, where the join can be ridden, instead of joining the ending itself", () => {
    const exit = exitWith(8);
    expect(exit.endingBeat).toBeGreaterThanOrEqual(92);
    expect(exit.endingBeat).toBeLessThanOrEqual(96);
    expect(Math.abs(exit.padSamples)).toBeLessThanOrEqual(4 * BEAT);
    // Without an approach to ride, the ending itself is joined as before.
    expect(exitWith(undefined).endingBeat).toBe(100);
  });

  test("is entered no earlier than keeps the run from the entry to the song's end within the verbatim limit", () => {
    // frontiers.mp3 to 1 h: its 37.1 s ending entered 8.3 s early made a 45.4 s verbatim run (limit 45 s). Here the
    // 20-beat ending leaves room for 6 beats of its approach under a limit of 26.5 beats.
    for (const target of [60, 62, 64]) {
      const exit = chooseSongExit(analysis, steep, cuts, steps, {
        firstStep: 1,
        endingBeat: 100,
        targetSamples: target * BEAT,
        maxRunSamples: 26.5 * BEAT,
        costScale: 1,
        approachBeats: 8,
      });
      expect(analysis.length - (cuts[exit.endingBeat]! + exit.shift), `target ${target}`).toBeLessThanOrEqual(
        26.5 * BEAT,
      );
      expect(exit.endingBeat).toBeLessThanOrEqual(96);
    }
  });
});

import { describe, expect, test } from "vitest";
import { appendBlocks } from "../../../engine/remix/block-reuse.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { shortestRepeatSamples } from "../../../engine/remix/repeat-distance.ts";
import type { WalkStep } from "../../../engine/remix/song-exit.ts";

/** Beats of 10 samples; phrases of 4 beats. A walk of the phrases starting at these beats, in this order. */
function walkOf(phraseStarts: readonly number[]): { steps: WalkStep[]; phraseSteps: number[] } {
  const steps: WalkStep[] = [];
  const phraseSteps: number[] = [];
  for (const start of phraseStarts) {
    phraseSteps.push(steps.length);
    for (let b = start; b < start + 4; b++) steps.push({ beat: b, outputStart: steps.length * 10, shift: 0 });
  }
  return { steps, phraseSteps };
}

/** Every join costs 1, except into beat `cheapest` (0). */
const graphWith = (cheapest: number) =>
  ({
    transitionCost: (_: number, to: number) => (to === cheapest ? 0 : 1),
    samePlaceInBar: () => true,
  }) as unknown as JumpGraph;
const at = (beat: number) => beat * 10;

describe("long results as whole blocks", () => {
  test("play the planned walk again from a phrase start in its first half, exactly up to the end, without a gap", () => {
    const { steps, phraseSteps } = walkOf([0, 8, 12, 4, 0, 12, 8, 4]);
    const blocks = appendBlocks(steps, phraseSteps, 320, 1000, { graph: graphWith(12), at, windowBeats: 4 });
    // The cheapest join leads to beat 12: the walk's third phrase (its sixth is in the second half).
    expect(blocks.blockStart).toBe(80);
    expect(blocks.from).toBe(320);
    expect(blocks.end).toBe(1000);
    expect(blocks.steps.map((s, i) => s.outputStart - 320 - 10 * i)).toEqual(blocks.steps.map(() => 0));
    const block = steps.slice(8).map((s) => s.beat);
    expect(blocks.steps.map((s) => s.beat)).toEqual(Array.from({ length: 68 }, (_, i) => block[i % block.length]));
  });

  test("never loop back to where the join would replay a stretch the walk already played", () => {
    // Into beat 0 is the cheapest join, but the walk ends with phrase 12 and has played 12 -> 0 before: the loop
    // would replay that stretch a block too soon. It takes the next phrase start instead.
    const { steps, phraseSteps } = walkOf([0, 4, 12, 0, 8, 4, 8, 12]);
    const blocks = appendBlocks(steps, phraseSteps, 320, 700, { graph: graphWith(0), at, windowBeats: 8 });
    expect(blocks.blockStart).not.toBe(0);
    expect(blocks.blockStart).not.toBe(120);
    const played = [...steps, ...blocks.steps];
    const block = blocks.from - blocks.blockStart;
    expect(shortestRepeatSamples(played, 8)).toBe(block);
  });

  test("never loop back to a phrase the walk has just played (a back-to-back loop)", () => {
    // The walk ends with phrase 4, and the cheapest join leads back to it, at the walk's start.
    const { steps, phraseSteps } = walkOf([4, 0, 8, 12, 16, 20, 24, 4]);
    const blocks = appendBlocks(steps, phraseSteps, 320, 700, { graph: graphWith(4), at, windowBeats: 4 });
    expect(blocks.blockStart).toBe(120);
  });
});

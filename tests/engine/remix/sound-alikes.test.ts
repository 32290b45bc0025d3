import { describe, expect, test } from "vitest";
import type { BeatAnalysis } from "../../../engine/analysis/beats.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { choosePhrase } from "../../../engine/remix/phrase-choice.ts";
import { soundAlikes } from "../../../engine/remix/sound-alikes.ts";
import { walkState } from "./walk-state.ts";
import type { Phrase } from "../../../engine/remix/phrase.ts";

/**
 * Four 8-beat phrases of one-second beats; the song plays its first phrase again as its third (a chorus): beats
 * 16-23 sound like beats 0-7, every other pair of beats differs.
 */
const phrases: Phrase[] = [0, 8, 16, 24].map((start) => ({ start, end: start + 8 }));
const graph = {
  distance: (a: number, b: number) => (a === b || (Math.min(a, b) < 8 && Math.abs(a - b) === 16) ? 0.05 : 1),
  // Out of phrase 0's last beat, the chorus's second copy joins best: the rules alone would pick it.
  transitionCost: (_from: number, to: number) => (to === 16 ? 0.1 : 1),
  loudnessChange: () => 0,
  samePlaceInBar: () => true,
} as unknown as JumpGraph;

describe("phrases that sound the same", () => {
  test("are found beat by beat: the chorus and its second copy, nothing else", () => {
    expect(soundAlikes(phrases, graph)).toEqual([[2], [], [0], []]);
  });

  test("right after one copy of the chorus the planner does not play the other: that is a back-to-back loop", async () => {
    const state = walkState(phrases, graph, {
      lastHeard: [8, -Infinity, -Infinity, -Infinity],
      lastStarted: [0, -Infinity, -Infinity, -Infinity],
      timesUsed: [1, 0, 0, 0],
      position: 8,
      runStart: 0,
      current: 0,
    });
    state.history.push(0, 0);
    const pick = await choosePhrase(
      phrases,
      state,
      { from: 7, place: 8, natural: -1, stop: 8 },
      {
        analysis: { sampleRate: 1, length: 32 } as BeatAnalysis,
        graph,
        cuts: Array.from({ length: 33 }, (_, b) => b),
        random: () => 0,
        heard: () => [],
      },
    );
    expect(pick).not.toBe(2);
    expect([...state.shortfalls]).toEqual([]);
  });
});

import { describe, expect, test } from "vitest";
import type { BeatAnalysis } from "../../../engine/analysis/beats.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { mulberry32 } from "../../../engine/random.ts";
import { ALIKE_SHARE, runsAlike } from "../../../engine/remix/join-echo.ts";
import { choosePhrase, type WalkState } from "../../../engine/remix/phrase-choice.ts";
import { soundAlikes } from "../../../engine/remix/sound-alikes.ts";
import { walkState } from "./walk-state.ts";
import type { Phrase } from "../../../engine/remix/phrase.ts";

/**
 * Four 8-beat phrases of one-second beats (as colobot music007): the last 4 beats of phrase 2 (20-23) sound like the
 * first 4 of phrase 1 (8-11), and the song goes on to something else after beat 23. The phrases are not alike from
 * their starts, so the phrase rule does not see that entering phrase 1 out of phrase 2 plays the last 4 s again.
 */
const phrases: Phrase[] = [0, 8, 16, 24].map((start) => ({ start, end: start + 8 }));
const echo = (a: number, b: number) => Math.min(a, b) >= 8 && Math.min(a, b) < 12 && Math.abs(a - b) === 12;
const graph = {
  beatCount: 32,
  distance: (a: number, b: number) => (a === b || echo(a, b) ? 0.05 : 1),
  // Out of phrase 2's last beat, phrase 1 joins best: the rules alone would pick it.
  transitionCost: (_from: number, to: number) => (to === 8 ? 0.1 : 1),
  loudnessChange: () => 0,
  samePlaceInBar: () => true,
} as unknown as JumpGraph;

function stateAfterPhrase2(): WalkState {
  const state = walkState(phrases, graph, {
    lastHeard: [-Infinity, -Infinity, 40, -Infinity],
    lastStarted: [-Infinity, -Infinity, 32, -Infinity],
    timesUsed: [0, 0, 1, 0],
    position: 40,
    runStart: 32,
    current: 2,
  });
  state.history.push(16, 32);
  return state;
}

const environment = {
  analysis: { sampleRate: 1, length: 32 } as BeatAnalysis,
  graph,
  cuts: Array.from({ length: 33 }, (_, b) => b),
  random: () => 0,
  heard: () => [],
};

describe("a join that lands on what was just played", () => {
  test("the phrases are not alike from their starts: the phrase rule alone does not see it", () => {
    expect(soundAlikes(phrases, graph)).toEqual([[], [], [], []]);
  });

  test("the walk does not enter a phrase whose first seconds are the seconds just heard", async () => {
    const pick = await choosePhrase(
      phrases,
      stateAfterPhrase2(),
      { from: 23, place: 24, natural: -1, stop: 24 },
      environment,
    );
    expect(pick).not.toBe(1);
  });

  test("where the song itself repeats those seconds next, the join only carries the song's repeat on", async () => {
    // Beats 24-27 sound like 20-23 too: the song plays its last 4 s again itself, so entering phrase 1 is no loop.
    const ownRepeat = (a: number, b: number) =>
      echo(a, b) || (Math.min(a, b) >= 20 && Math.min(a, b) < 24 && Math.abs(a - b) === 4);
    const repeating = {
      ...graph,
      distance: (a: number, b: number) => (a === b || ownRepeat(a, b) ? 0.05 : 1),
    } as JumpGraph;
    const state = { ...stateAfterPhrase2(), soundAlikes: soundAlikes(phrases, repeating) };
    const pick = await choosePhrase(
      phrases,
      state,
      { from: 23, place: 24, natural: -1, stop: 24 },
      { ...environment, graph: repeating },
    );
    expect(pick).toBe(1);
  });

  test("unless no other choice exists", async () => {
    const two = [phrases[1]!, phrases[2]!];
    const state = { ...stateAfterPhrase2(), current: 1, lastHeard: [-Infinity, 40], lastStarted: [-Infinity, 32] };
    state.soundAlikes = soundAlikes(two, graph);
    const pick = await choosePhrase(two, state, { from: 23, place: 24, natural: -1, stop: 24 }, environment);
    expect(pick).toBe(0);
  });
});

describe("two runs heard alike (runsAlike)", () => {
  const counting = (alike: (a: number, b: number) => boolean) => {
    const reads = { count: 0 };
    const counted = {
      distance: (a: number, b: number) => {
        reads.count++;
        return alike(a, b) ? 0 : 1;
      },
    } as unknown as JumpGraph;
    return { counted, reads };
  };

  test("answers as counting every beat does, on runs alike by chance at every share", () => {
    const random = mulberry32(7);
    const pairs = Array.from({ length: 48 * 48 }, () => random());
    for (const chance of [0.5, 0.8, 0.95]) {
      const { counted } = counting((a, b) => pairs[a * 48 + b]! < chance);
      for (let m = 2; m <= 24; m++) {
        for (let a = 0; a + m <= 48; a += 5) {
          const b = (a * 7 + m) % (48 - m);
          let matching = 0;
          for (let k = 0; k < m; k++) if (pairs[(a + k) * 48 + b + k]! < chance) matching++;
          expect(runsAlike(counted, a, b, m)).toBe(matching >= ALIKE_SHARE * m);
        }
      }
    }
  });

  test("gives a run up once the beats left cannot reach the share: 5 beats read of 20 unlike ones", () => {
    // The walk asks this of every choice at every join (about 12.8 million beats read on frontiers to 1 h, 3.3 now).
    const { counted, reads } = counting(() => false);
    expect(runsAlike(counted, 0, 20, 20)).toBe(false);
    expect(reads.count).toBe(5);
  });
});

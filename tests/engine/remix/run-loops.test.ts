import { describe, expect, test } from "vitest";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { choosePhrase, type WalkState } from "../../../engine/remix/phrase-choice.ts";
import { soundAlikes } from "../../../engine/remix/sound-alikes.ts";
import { walkState } from "./walk-state.ts";
import { flatBeats, inputSamples, pitchFrames } from "./pitch-song.ts";
import type { Phrase } from "../../../engine/remix/phrase.ts";
import { createRunLoops } from "../../../engine/remix/run-loops.ts";
import { mulberry32 } from "../../../engine/random.ts";

/**
 * A song of four 16-beat phrases, 100 analysis frames a second (one frame a sample), 0.4 s beats that wander by up
 * to 0.08 s, as a beat tracker's do on real music (flare's unrest_theme). Its audio is a run of 0.1 s sounds, each of
 * one pitch class; phrase 3 plays phrase 1 again from phrase 1's second beat on, sample for sample, while the beats
 * the tracker put in the two copies do not line up: beat by beat the copies look unalike (the phrase rule and the
 * join echo compare beats), but entering phrase 3 straight after phrase 1 plays the last 6 s again.
 */
const _rate = 100;
const beatSamples = 40;
const random = mulberry32(7);
const beats = Array.from({ length: 65 }, (_, b) => b * beatSamples + (b % 16 === 0 ? 0 : Math.round(8 * random())));
const length = beats[64]!;
const phrases: Phrase[] = [0, 16, 32, 48].map((start) => ({ start, end: start + 16 }));
/** Where phrase 3's audio comes from in phrase 1: its first beat is phrase 1's second. */
const copyLag = beats[48]! - beats[17]!;
const pitchAt = (() => {
  const pitches = Array.from({ length: Math.ceil(length / 10) }, () => Math.floor(12 * random()));
  return (x: number): number => (x >= beats[48]! ? pitchAt(x - copyLag) : pitches[Math.floor(x / 10)]!);
})();

const frames = pitchFrames(pitchAt, inputSamples(length));
const analysis = flatBeats(length, beats, beatSamples);
const cuts = beats.slice(0, 64);

/** Beat by beat, no two beats sound alike; out of phrase 1, phrase 3 joins best: the rules alone would pick it. */
const graph = {
  beatCount: 64,
  distance: (a: number, b: number) => (a === b ? 0 : 1),
  transitionCost: (_from: number, to: number) => (to === 48 ? 0.1 : 1),
  loudnessChange: () => 0,
  samePlaceInBar: () => true,
} as unknown as JumpGraph;

/** Phrase 2, then phrase 1 (the walk's output so far); the walk now chooses what follows phrase 1. */
function stateAfterPhrase1(): WalkState {
  const state = walkState(phrases, graph, {
    lastHeard: [-Infinity, 2 * 640, 640, -Infinity],
    lastStarted: [-Infinity, 640, 0, -Infinity],
    timesUsed: [0, 1, 1, 0],
    position: cuts[48]! - cuts[32]! + cuts[32]! - cuts[16]!,
    runStart: cuts[48]! - cuts[32]!,
    current: 1,
  });
  state.history.push(32, 0);
  state.history.push(16, cuts[48]! - cuts[32]!);
  return state;
}

const heard = () => [
  { start: cuts[32]!, end: cuts[48]! },
  { start: cuts[16]!, end: cuts[32]! },
];
const environment = {
  analysis,
  graph,
  cuts,
  random: () => 0,
  heard,
  runLoops: createRunLoops(analysis, frames, { cuts, maxSeconds: 20 }),
};
const join = { from: 31, place: 32, natural: 32, stop: cuts[32]! };

describe("a run of the song played again straight away, off the beat grid", () => {
  test("beat by beat the copies are not alike: the phrase rule does not see them", () => {
    expect(soundAlikes(phrases, graph)).toEqual([[], [], [], []]);
  });

  test("the walk does not enter a phrase that plays the seconds just heard again, one beat on", async () => {
    const pick = await choosePhrase(phrases, stateAfterPhrase1(), join, environment);
    expect(pick).not.toBe(3);
  });

  test("a phrase the output has not just heard is no loop", () => {
    const loops = environment.runLoops.after(heard());
    expect(loops({ start: cuts[0]!, end: cuts[16]! }, cuts[0]!)).toBeUndefined();
    // The period: 15 beats, phrase 1's second beat to phrase 3's first.
    expect(loops({ start: cuts[48]!, end: length }, cuts[48]!)).toBeCloseTo(cuts[32]! - cuts[17]!, -1);
    // Heard after phrase 0 instead, phrase 3 repeats nothing within 20 s.
    expect(
      environment.runLoops.after([{ start: cuts[0]!, end: cuts[16]! }])({ start: cuts[48]!, end: length }, cuts[48]!),
    ).toBeUndefined();
  });
});

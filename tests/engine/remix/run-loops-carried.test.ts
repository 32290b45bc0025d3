import { describe, expect, test } from "vitest";
import type { FrameFeatures } from "../../../engine/analysis/features.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { choosePhrase, type WalkState } from "../../../engine/remix/phrase-choice.ts";
import type { Phrase } from "../../../engine/remix/phrase.ts";
import { createRunLoops } from "../../../engine/remix/run-loops.ts";
import { mulberry32 } from "../../../engine/random.ts";
import { flatBeats, inputSamples, pitchFrames } from "./pitch-song.ts";
import { walkState } from "./walk-state.ts";

/**
 * A song of six 8-beat phrases, 100 analysis frames a second (one frame a sample), 0.4 s beats; its audio a run of
 * 0.1 s sounds, each of one pitch class. Phrases 4 and 5 play phrases 0 and 1 again, sample for sample. The walk has
 * played phrases 0 and 1, then joined into phrase 4: phrase 4 repeats only half of the 6.4 s before it (phrase 0, not
 * phrase 1), so the join made no loop yet; phrase 5, the song's own next phrase, would complete it (blockattack's
 * bgmusic and flare's unrest_theme: a joined phrase, then its natural continuation, repeat the 12-14 s before them).
 */
const rate = 100;
const beatSamples = 40;
const beats = Array.from({ length: 49 }, (_, b) => b * beatSamples);
const length = beats[48]!;
const cuts = beats.slice(0, 48);
const phrases: Phrase[] = [0, 8, 16, 24, 32, 40].map((start) => ({ start, end: start + 8 }));

/** The song's analysis frames; phrases 4 and 5 play phrases 0 and 1 from `skip` frames in. */
function songFrames(skip: number): FrameFeatures {
  const copyLag = beats[32]! - skip;
  const random = mulberry32(11);
  const pitches = Array.from({ length: Math.ceil(length / 10) }, () => Math.floor(12 * random()));
  const pitchAt = (x: number): number => (x >= beats[32]! ? pitchAt(x - copyLag) : pitches[Math.floor(x / 10)]!);
  return pitchFrames(pitchAt, inputSamples(length));
}
const analysis = flatBeats(length, beats, beatSamples);

/** Beat by beat no two beats sound alike (the phrase rule and the join echo see nothing); every join costs the same. */
const graph = {
  beatCount: 48,
  distance: (a: number, b: number) => (a === b ? 0 : 1),
  transitionCost: () => 1,
  loudnessChange: () => 0,
  samePlaceInBar: () => true,
} as unknown as JumpGraph;

const phrase = (i: number) => ({ start: cuts[phrases[i]!.start]!, end: beats[phrases[i]!.end]! });
const runLoops = createRunLoops(analysis, songFrames(0), { cuts, maxSeconds: 20 });
const environment = { analysis, graph, cuts, random: () => 0, runLoops };

/** Phrases 0 and 1, then phrase 4 (joined): the walk now chooses what follows phrase 4. */
function stateAfterPhrase4(): WalkState {
  const state = walkState(phrases, graph, {
    lastHeard: [320, 640, -Infinity, -Infinity, 960, -Infinity],
    lastStarted: [0, 320, -Infinity, -Infinity, 640, -Infinity],
    timesUsed: [1, 1, 0, 0, 1, 0],
    position: 960,
    runStart: 640,
    current: 4,
  });
  state.history.push(0, 0);
  state.history.push(8, 320);
  state.history.push(32, 640);
  return state;
}

describe("a loop a joined phrase starts and the song's own next phrase completes", () => {
  test("the joined phrase alone makes none: half of the seconds before it are played again", () => {
    const loops = runLoops.after([phrase(0), phrase(1)]);
    expect(loops(phrase(4), cuts[32]!)).toBeUndefined();
  });

  test("the walk does not carry the run on into it", async () => {
    const heard = () => [phrase(0), phrase(1), phrase(4)];
    // The song's own next phrase, phrase 5: 6.4 s, phrases 0 and 1, again straight away.
    expect(runLoops.after(heard())(phrase(5), cuts[40]!)).toBeCloseTo(640, -1);
    const join = { from: 39, place: 40, natural: 40, stop: cuts[40]! };
    const pick = await choosePhrase(phrases, stateAfterPhrase4(), join, { ...environment, heard });
    expect(pick).not.toBe(5);
  });

  test("a copy that starts 60 ms off the beats is heard too", () => {
    // The tracker's beats wander between two copies of a passage: the lag the beats give is 6 frames off the copy's.
    // The loop measure, trying every lag, hears it.
    const offBeat = createRunLoops(analysis, songFrames(6), { cuts, maxSeconds: 20 });
    expect(offBeat.after([phrase(0), phrase(1), phrase(4)])(phrase(5), cuts[40]!)).toBeCloseTo(640, -1);
  });

  test("a run longer than a loop's reach back is not heard again", () => {
    expect(runLoops.carriesOn(320)).toBe(true);
    // A window at most 20 s long, 80 % of it within 20 s of the run's start: 24 s and more of run leaves no loop.
    expect(runLoops.carriesOn(24 * rate + 20)).toBe(false);
  });
});

import { describe, expect, test } from "vitest";
import { secondFrames } from "../../../engine/analysis/second-frames.ts";
import { OUTLOOK_HORIZON_SECONDS, summaryOf } from "../../../engine/model/outlook-input.ts";
import type { Conductor, Outlook } from "../../../engine/model/port.ts";
import { conductorFrames, createConductorSteering } from "../../../engine/remix/conductor-steering.ts";
import type { PhraseChoice } from "../../../engine/remix/phrase.ts";
import { clickSong } from "./signals.ts";

describe("in continue form the conductor's outlook decides near-ties", () => {
  // Phrase 0: 24 s of chord 0 (A); phrase 1: 24 s of chord 5 (B). The 10 s prediction says A; the outlook says the
  // next minutes sound like B.
  const song = clickSong({ seconds: 48, seed: 11, chordOfBar: (bar) => (bar >= 12 ? 5 : 0) });
  const rate = song.sampleRate;
  const cuts = [0, 24 * rate, 48 * rate];
  const phrases = [
    { start: 0, end: 1 },
    { start: 1, end: 2 },
  ];
  const everySecond = secondFrames(song);
  /** Frames standardised around B's mean, in units of a tenth of their raw value's spread. */
  const standardise = (frames: readonly ArrayLike<number>[]) =>
    frames.map((frame) => Float32Array.from(frame, (v) => v / 0.1));
  const halfSecondFrames = standardise(conductorFrames(song));
  const predictsB = summaryOf(halfSecondFrames, 48, 96);
  const headsToB: Outlook = {
    featureSize: everySecond[0]!.length,
    standardise,
    predict: async () => ({
      mean: predictsB.slice(0, everySecond[0]!.length),
      std: predictsB.slice(everySecond[0]!.length),
    }),
  };
  const conductor: Conductor = {
    contextFrames: 20,
    horizonFrames: 10,
    featureSize: everySecond[0]!.length,
    backend: "cpu",
    predict: async () => everySecond.slice(2, 12),
    outlook: headsToB,
  };
  // The output so far: the whole input, then (past the horizon) 2 more minutes of phrase A.
  const input = [{ start: 0, end: 48 * rate }];
  const choose = (form: "continue" | "song", heard = input) => {
    const steering = createConductorSteering(song, conductor, cuts, form);
    const choices: PhraseChoice[] = [
      { phrase: 0, cost: 0, follow: 0 },
      { phrase: 1, cost: 0.5, follow: 0.5 },
    ];
    const position = heard.reduce((sum, r) => sum + r.end - r.start, 0);
    return steering.choose(choices, phrases, heard, position);
  };

  test("takes the phrase the outlook says the song is heading to, against the 10 s prediction", async () => {
    expect(await choose("continue")).toBe(1);
  });

  test("in song form the outlook has no say: the 10 s prediction decides", async () => {
    expect(await choose("song")).toBe(0);
  });

  test("past the outlook's horizon it has no say either", async () => {
    const later = [...input, { start: 0, end: OUTLOOK_HORIZON_SECONDS * rate }];
    expect(await choose("continue", later)).toBe(0);
  });
});

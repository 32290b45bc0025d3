import { describe, expect, test } from "vitest";
import { secondFrames } from "../../../engine/analysis/second-frames.ts";
import type { Conductor } from "../../../engine/model/port.ts";
import { createConductorSteering } from "../../../engine/remix/conductor-steering.ts";
import type { PhraseChoice } from "../../../engine/remix/phrase.ts";
import { clickSong } from "./signals.ts";

describe("the conductor breaks near-ties of continue form's rules", () => {
  // Phrase 0: 24 s of chord 0 (A); phrase 1: 24 s of chord 5 (B). The conductor always predicts B.
  const song = clickSong({ seconds: 48, seed: 11, chordOfBar: (bar) => (bar >= 12 ? 5 : 0) });
  const cuts = [0, 24 * song.sampleRate, 48 * song.sampleRate];
  const phrases = [
    { start: 0, end: 1 },
    { start: 1, end: 2 },
  ];
  const heard = [{ start: 0, end: 20 * song.sampleRate }];
  const frames = secondFrames(song);
  const hearsB: Conductor = {
    contextFrames: 20,
    horizonFrames: 10,
    featureSize: frames[0]!.length,
    backend: "cpu",
    predict: async () => frames.slice(26, 36),
  };
  const choose = (b: PhraseChoice, conductor: Conductor = hearsB) => {
    const steering = createConductorSteering(song, conductor, cuts, "continue");
    const choices: PhraseChoice[] = [{ phrase: 0, cost: 0, follow: 0 }, b];
    return steering.choose(choices, phrases, heard, 0).then((index) => ({ index, summary: steering.summary() }));
  };

  test("keeps the rules' first choice when the pull and share price the predicted phrase beyond the margin", async () => {
    // B costs 4 more, all of it continue form's pull and share (follow): the rules alone would admit it.
    const { index, summary } = await choose({ phrase: 1, cost: 4, follow: 4 });
    expect(index).toBe(0);
    expect(summary).toMatch(/the conductor chose 0 of 0 phrases/);
  });

  test("takes the phrase it predicts when the rules leave the two within the margin, and counts the decision", async () => {
    const { index, summary } = await choose({ phrase: 1, cost: 0.5, follow: 0.5 });
    expect(index).toBe(1);
    expect(summary).toMatch(/the conductor chose 1 of 1 phrases/);
  });

  test("a conductor given a wider say (its own margin) takes the predicted phrase the default margin keeps out", async () => {
    const { index, summary } = await choose({ phrase: 1, cost: 4, follow: 4 }, { ...hearsB, say: { tieMargin: 6 } });
    expect(index).toBe(1);
    expect(summary).toMatch(/the conductor chose 1 of 1 phrases .*within 6 of it/);
  });
});

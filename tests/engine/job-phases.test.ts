import { expect, test } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { type JobPhase, runExtensionJob } from "../../engine/job.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

test("every phase after the extension reports its end, so no progress bar is left short of 100 %", async () => {
  const bytes = encodeWav(synthesizeSong({ seconds: 25, sampleRate: 22_050, channels: 1, seed: 6 }), 16);
  const last = new Map<JobPhase, { done: number; total: number }>();
  await runExtensionJob({
    bytes,
    targetSeconds: 40,
    engine: "remix",
    onPhase: (phase, done, total) => last.set(phase, { done, total }),
  });
  expect([...last.keys()].sort()).toEqual(["analyse", "encode", "picture"]);
  for (const [phase, { done, total }] of last) {
    expect(total, phase).toBeCloseTo(40, 6);
    expect(done, phase).toBeCloseTo(total, 6);
  }
}, 120_000);

test("the picture is drawn while the encoder runs, once it has read the whole result, and is the same picture", async () => {
  const bytes = encodeWav(synthesizeSong({ seconds: 25, sampleRate: 22_050, channels: 1, seed: 6 }), 16);
  const run = async (outputFormat: "mp3" | "wav16") => {
    const phases: string[] = [];
    const output = await runExtensionJob({
      bytes,
      targetSeconds: 60,
      engine: "remix",
      measure: false,
      outputFormat,
      onPhase: (phase, done, total) => {
        if (done >= total) phases.push(phase);
      },
    });
    return { phases, picture: output.picture };
  };
  // MP3: the headroom pass reads the whole result before the segments are encoded, so the picture is done first.
  const mp3 = await run("mp3");
  expect(mp3.phases).toEqual(["picture", "encode"]);
  // WAV: one pass, so the picture follows it; either way the same PNG.
  const wav = await run("wav16");
  expect(wav.phases).toEqual(["encode", "picture"]);
  expect(Buffer.from(mp3.picture).equals(Buffer.from(wav.picture))).toBe(true);
  expect(mp3.picture.length).toBeGreaterThan(10_000);
}, 120_000);

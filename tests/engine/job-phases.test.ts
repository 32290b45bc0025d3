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

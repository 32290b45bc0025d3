import { describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { availableMemoryBytes, checkResultFits } from "../../engine/limits.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

const GIB = 1024 ** 3;
const stereo44 = { sampleRate: 44_100, channels: [0, 1] };

describe("a result must fit in memory", () => {
  it("admits an hour of 44.1 kHz stereo in 8 GB and refuses a day, naming what it needs and what fits", () => {
    expect(() => checkResultFits(3600, stereo44, 8 * GIB)).not.toThrow();
    expect(() => checkResultFits(86_400, stereo44, 8 * GIB)).toThrow(
      /a 86400 s result at 44100 Hz with 2 channel\(s\) needs about 85\.7 GB of memory to make, and 8\.0 GB is available: at most 7\d{3} s fits/,
    );
  });

  it("refuses more samples than one channel can hold, however much memory there is", () => {
    expect(() => checkResultFits(30_000, { sampleRate: 192_000, channels: [0] }, 1024 * GIB)).toThrow(
      /at most 22369 s fits/,
    );
  });

  it("knows this machine's memory", () => {
    expect(availableMemoryBytes()).toBeGreaterThan(0.5 * GIB);
    expect(Number.isFinite(availableMemoryBytes())).toBe(true);
  });

  it("is checked by the job before any work, as an input error", async () => {
    const bytes = encodeWav(synthesizeSong({ seconds: 21, sampleRate: 44_100, channels: 2, seed: 1 }), 16);
    await expect(
      runExtensionJob({ bytes, targetSeconds: 3000, memoryBytes: 2 * GIB, engine: "remix", picture: false }),
    ).rejects.toMatchObject({ code: "INVALID_TARGET", message: expect.stringMatching(/at most 1\d{3} s fits/) });
  });
});

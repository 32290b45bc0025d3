import { describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { availableMemoryBytes, DEFAULT_LIMITS, measureShortfall } from "../../engine/limits.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

const GIB = 1024 ** 3;
const stereo44 = { sampleRate: 44_100, channels: [0, 1] };

describe("measuring a result needs it whole in memory; making it does not", () => {
  it("measures an hour of 44.1 kHz stereo in 8 GB but not a day, naming what it needs and what fits", () => {
    expect(measureShortfall(3600, stereo44, 8 * GIB)).toBeUndefined();
    expect(measureShortfall(86_400, stereo44, 8 * GIB)).toMatch(
      /measuring a 86400 s result at 44100 Hz with 2 channel\(s\) needs about 85\.7 GB of memory, and 8\.0 GB is available: at most 7\d{3} s can be measured/,
    );
  });

  it("cannot measure more samples than one channel can hold, however much memory there is", () => {
    expect(measureShortfall(30_000, { sampleRate: 192_000, channels: [0] }, 1024 * GIB)).toMatch(
      /at most 22369 s can be measured/,
    );
  });

  it("knows this machine's memory", () => {
    expect(availableMemoryBytes()).toBeGreaterThan(0.5 * GIB);
    expect(Number.isFinite(availableMemoryBytes())).toBe(true);
  });

  it("allows targets of up to 10 hours by default", () => {
    expect(DEFAULT_LIMITS.maxTargetSeconds).toBe(36_000);
  });

  it("makes a result too long to measure all the same, and the report says why it was not measured", async () => {
    const bytes = encodeWav(synthesizeSong({ seconds: 21, sampleRate: 44_100, channels: 2, seed: 1 }), 16);
    const job = await runExtensionJob({ bytes, targetSeconds: 900, memoryBytes: GIB, engine: "remix", picture: false });
    expect(job.report.output.seconds).toBe(900);
    expect(job.report.quality).toBeUndefined();
    expect(job.report.notes.join("\n")).toMatch(
      /quality not measured: measuring a 900 s result .* at most \d+ s can be measured/,
    );
  }, 120_000);
});

import { describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { DEFAULT_LIMITS } from "../../engine/limits.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

describe("a result of any allowed length is made and measured", () => {
  it("allows targets of up to 10 hours by default", () => {
    expect(DEFAULT_LIMITS.maxTargetSeconds).toBe(36_000);
  });

  it("measures a 5-minute result of a 21 s song: the report is there, with no note that it was skipped", async () => {
    const bytes = encodeWav(synthesizeSong({ seconds: 21, sampleRate: 44_100, channels: 2, seed: 1 }), 16);
    const job = await runExtensionJob({ bytes, targetSeconds: 300, engine: "remix", picture: false });
    expect(job.report.output.seconds).toBe(300);
    expect(job.report.quality?.resultSeconds).toBe(300);
    expect(job.report.quality?.seamCount).toBeGreaterThan(5);
    expect(job.report.notes.join("\n")).not.toMatch(/not measured/);
  }, 300_000);
});

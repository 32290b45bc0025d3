import { describe, expect, test } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { createJobRunner } from "../../engine/batch.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

const song = (seed: number, seconds: number) =>
  encodeWav(synthesizeSong({ seconds, sampleRate: 22_050, channels: 1, seed }), 16);
const settings = { targetSeconds: 50, engine: "remix", picture: false } as const;

describe("createJobRunner: one input-analysis thread for a batch of jobs", () => {
  test("each job's report is the one it gets alone, whatever ran before it on the thread, a failed job included", async () => {
    const [first, second] = [song(1, 22), song(2, 26)];
    const runner = createJobRunner();
    try {
      const a = await runner.run({ ...settings, bytes: first });
      // Not audio: refused, and that thread ended with it; the next job gets a new one.
      await expect(runner.run({ ...settings, bytes: new Uint8Array(100) })).rejects.toThrow(/not an audio file/);
      const b = await runner.run({ ...settings, bytes: second });
      const c = await runner.run({ ...settings, bytes: first, measure: false });
      const alone = await runExtensionJob({ ...settings, bytes: second });
      expect(b.report.quality).toEqual(alone.report.quality);
      expect(b.report.input.seconds).toBeCloseTo(26, 3);
      expect(a.report.quality).not.toEqual(b.report.quality);
      expect(c.report.quality).toBeUndefined();
      for (const job of [a, b]) expect(job.report.notes.join(" ")).not.toMatch(/main thread/);
      // Without measuring, the job still found the song's beats on the thread: the same plan as with measuring.
      expect(c.report.seams).toEqual(a.report.seams);
    } finally {
      runner.close();
    }
  }, 300_000);
});

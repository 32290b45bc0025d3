import { describe, expect, test } from "vitest";
import { decodeAudio, encodeWav } from "../../engine/audio/index.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { measureExtension } from "../../engine/quality/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

describe("the job measures the result in its own thread", () => {
  test("its report equals measuring the same result in this thread, and no fallback note is written", async () => {
    const bytes = encodeWav(synthesizeSong({ seconds: 30, sampleRate: 22050, channels: 2, seed: 4 }), 16);
    const job = await runExtensionJob({ bytes, targetSeconds: 70, engine: "remix", picture: false });
    const decoded = await decodeAudio(bytes);
    // Where each seam joins the song is the engine's (not a measurement); the report carries it in its seam list.
    const seamSources = (job.report.quality?.seamList ?? []).map((s) => ({
      fromSeconds: s.fromSeconds ?? Number.NaN,
      toSeconds: s.toSeconds ?? Number.NaN,
    }));
    expect(seamSources.every((s) => Number.isFinite(s.fromSeconds) && Number.isFinite(s.toSeconds))).toBe(true);
    const here = await measureExtension({
      original: { sampleRate: decoded.sampleRate, channels: decoded.channels },
      result: job.audio,
      seams: job.report.seams,
      seamSources,
      introSeconds: job.report.introSeconds,
    });
    expect(job.report.quality).toEqual(here);
    expect(job.report.notes.join(" ")).not.toMatch(/main thread/);
    expect(job.report.timingsMs.analyse).toBeGreaterThan(0);
    // A 16-bit WAV input gives a 16-bit WAV result: the lossless copy is that same file, not a second one.
    expect(job.wav).toBe(job.encoded);
  }, 120_000);
});

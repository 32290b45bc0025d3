import { describe, expect, test } from "vitest";
import { analyseSignal } from "../../../engine/analysis/beats.ts";
import { encodeWav } from "../../../engine/audio/index.ts";
import { fadeOutGain } from "../../../engine/audio/fade.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { runExtensionJob } from "../../../engine/job.ts";
import { measureResultSeams, seamReferenceOf } from "../../../engine/quality/span.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

describe("a join inside the closing fade-out", () => {
  // The demo's old song (25 s, no ending of its own) to 60 s: the continue form closes with a 6 s fade, and one join
  // falls 1.7 s into it. The report read the fade's own drop as that join's loudness change (-5.1 LU, "missed").
  test("is read with the fade's gain divided out: the join's own change, not the fade's", async () => {
    const song = synthesizeSong({ seconds: 25, sampleRate: 44_100, bpm: 112, key: 3, seed: 99 });
    const job = await runExtensionJob({
      bytes: encodeWav(song, 16),
      targetSeconds: 60,
      engine: "remix",
      picture: false,
    });
    const inFade = job.report.quality!.seamList.filter((s) => s.atSeconds + 3 > 54);
    expect(inFade.length).toBeGreaterThan(0);
    for (const seam of inFade) {
      expect(Math.abs(seam.loudnessChangeLu!)).toBeLessThan(1);
      expect(seam.missed).not.toContain("loudness");
    }
  }, 60_000);

  test("still shows a level jump there: a fade does not hide it", () => {
    const rate = 22_050;
    const original = synthesizeSong({ seconds: 30, sampleRate: rate, channels: 1, seed: 12 });
    const input = original.channels[0]!;
    // 0-30 s the song, 30-43.5 s its first 13.5 s, then (the join at 43.5 s, as deep in the fade as the demo's) its
    // next 4.5 s twice as loud (+6 dB), the last 6 s (42-48 s) fading out on the planner's curve.
    const result = new Float32Array(48 * rate);
    result.set(input);
    result.set(input.subarray(0, 13.5 * rate), 30 * rate);
    for (let i = 0; i < 4.5 * rate; i++) result[43.5 * rate + i] = 2 * input[13.5 * rate + i]!;
    const fadeStart = 42 * rate;
    const n = result.length - fadeStart;
    for (let i = 0; i < n; i++) result[fadeStart + i]! *= fadeOutGain("cosine", i, n);
    const audio = (x: Float32Array): PcmAudio => ({ sampleRate: rate, channels: [x] });
    const reference = seamReferenceOf(analyseSignal(original));
    const measure = (closingFade?: { startSeconds: number; curve: "cosine" }) =>
      measureResultSeams(
        { original, result: audio(result), seams: [43.5], introSeconds: 30, ...(closingFade && { closingFade }) },
        reference,
      ).seamList[0]!.loudnessChangeLu!;
    expect(measure({ startSeconds: 42, curve: "cosine" })).toBeCloseTo(6, 0);
    // Read through the fade, the jump nearly vanishes.
    expect(measure()).toBeLessThan(3);
  });
});

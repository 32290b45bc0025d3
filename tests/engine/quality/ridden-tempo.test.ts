import { beforeAll, describe, expect, test } from "vitest";
import { frameCount, type PcmAudio } from "../../../engine/audio/pcm.ts";
import { extendAudio } from "../../../engine/extend/extend.ts";
import { copySegments, coveredShare } from "../../../engine/quality/copy-map.ts";
import { mappedTempoBpm } from "../../../engine/quality/extension-analysis.ts";
import { findResultCopies } from "../../../engine/quality/form.ts";
import { analyseOriginal, MIN_MAPPED_SHARE, measureExtension } from "../../../engine/quality/measure.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22050;
const song = synthesizeSong({ seconds: 60, sampleRate: rate, channels: 2, seed: 9 });

/** The result with its level lowered by 3 dB in 8 s out of every 12 s after `from` s (as a level ride does). */
function ridden(audio: PcmAudio, from: number): PcmAudio {
  const gain = 10 ** (-3 / 20);
  return {
    sampleRate: audio.sampleRate,
    channels: audio.channels.map((c) =>
      c.map((v, i) => (i >= from * rate && Math.floor((i / rate - from) % 12) < 8 ? v * gain : v)),
    ),
  };
}

describe("the tempo of an extension whose level is ridden (too little copied sample for sample to map its frames)", () => {
  let result: PcmAudio;
  let seams: number[];
  beforeAll(async () => {
    const extended = await extendAudio(song, {
      targetSeconds: 150,
      engine: "remix",
      fadeOutSeconds: 4,
      form: "continue",
    });
    result = ridden(extended.audio, 62);
    seams = [...extended.seams];
  }, 120_000);

  test("is read from the input's beats the copies carry, as when nothing is ridden, not by the beat tracker", async () => {
    const boundary = frameCount(song);
    const segments = copySegments(findResultCopies(song, result).copies, boundary, frameCount(result));
    const share = coveredShare(segments, boundary, frameCount(result));
    expect(share).toBeLessThan(MIN_MAPPED_SHARE);
    expect(share).toBeGreaterThan(0.2);
    const original = analyseOriginal(song);
    const copied = mappedTempoBpm(original.beats, segments);
    expect(copied).toBeDefined();
    const timings: Record<string, number> = {};
    const report = await measureExtension({ original: song, result, seams }, { originalAnalysis: original, timings });
    // Frames and loudness are analysed from the samples (the direct stages)...
    expect(Object.keys(timings)).toContain("extension: signal + features");
    // ...and the tempo is the copied beats' reading, which a level change cannot move.
    expect(report.extensionTempoBpm).toBeCloseTo(copied!, 9);
    expect(Math.abs(report.extensionTempoBpm! - original.beats.tempoBpm) / original.beats.tempoBpm).toBeLessThan(0.01);
  });
});

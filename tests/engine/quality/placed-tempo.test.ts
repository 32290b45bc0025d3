import { describe, expect, test } from "vitest";
import { frameCount, type PcmAudio } from "../../../engine/audio/pcm.ts";
import { extendAudio } from "../../../engine/extend/extend.ts";
import { copySegments, placedSegments } from "../../../engine/quality/copy-map.ts";
import { mappedTempoBpm } from "../../../engine/quality/extension-analysis.ts";
import { findResultCopies } from "../../../engine/quality/form.ts";
import { analyseOriginal, measureExtension } from "../../../engine/quality/measure.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22050;

describe("the tempo of a short extension that copies the song at another level", () => {
  test("is read from the song's beats where the engine placed them, not by the beat tracker", async () => {
    const song = synthesizeSong({ seconds: 40, sampleRate: rate, channels: 2, seed: 4 });
    const extended = await extendAudio(song, {
      targetSeconds: 52,
      engine: "remix",
      fadeOutSeconds: 2,
      form: "continue",
    });
    // Every sample after the song 2 dB down (a level ride over the whole extension): no sample-exact copy is left.
    const gain = 10 ** (-2 / 20);
    const boundary = frameCount(song);
    const result: PcmAudio = {
      sampleRate: rate,
      channels: extended.audio.channels.map((c) => c.map((v, i) => (i >= boundary ? v * gain : v))),
    };
    const { seams, seamSources, introSeconds } = extended;
    expect(seamSources).toBeDefined();
    const original = analyseOriginal(song);
    const end = frameCount(result);
    expect(mappedTempoBpm(original.beats, copySegments(findResultCopies(song, result).copies, boundary, end))).toBe(
      undefined,
    );
    const placed = placedSegments(seams, seamSources!, { boundary, end, sampleRate: rate, inputLength: boundary });
    const expected = mappedTempoBpm(original.beats, placed);
    expect(expected).toBeDefined();

    const report = await measureExtension(
      { original: song, result, seams, seamSources, introSeconds },
      { originalAnalysis: original },
    );
    expect(report.extensionTempoBpm).toBeCloseTo(expected!, 9);
    expect(report.tempoDifferencePercent!).toBeLessThan(1);
  }, 120_000);
});

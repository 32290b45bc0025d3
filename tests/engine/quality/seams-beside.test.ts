import { describe, expect, test } from "vitest";
import { analyseSignal } from "../../../engine/analysis/beats.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { loopBaseline } from "../../../engine/quality/baselines.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { measureResultSeams, seamReferenceOf } from "../../../engine/quality/span.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22050;
const song = synthesizeSong({ seconds: 40, sampleRate: rate, channels: 2, seed: 6 });
const looped = loopBaseline(song, 100, 0.02);
const extension = { original: song, result: looped.audio, seams: looped.seams };

/** The song, then silence to `seconds`, with a seam where the silence starts. */
function silenced(seconds: number): { original: PcmAudio; result: PcmAudio; seams: number[] } {
  const result = song.channels.map((c) => {
    const out = new Float32Array(seconds * rate);
    out.set(c);
    return out;
  });
  return { original: song, result: { sampleRate: rate, channels: result }, seams: [40] };
}

describe("the seam metrics measured apart from the rest (another thread's share of the work)", () => {
  test("give the same report as measuring everything in one place, for music and for a silent extension", async () => {
    const reference = seamReferenceOf(analyseSignal(song));
    for (const input of [extension, silenced(60)]) {
      const whole = await measureExtension(input);
      const apart = await measureExtension(input, { seams: Promise.resolve(measureResultSeams(input, reference)) });
      expect(apart).toEqual(whole);
      expect(whole.seamCount).toBeGreaterThan(0);
    }
    expect((await measureExtension(silenced(60))).beatPhaseErrorAtSeams).toBeNull();
    expect((await measureExtension(extension)).beatPhaseErrorAtSeams).not.toBeNull();
  }, 120_000);
});

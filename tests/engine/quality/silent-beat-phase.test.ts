import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { loopBaseline } from "../../../engine/quality/baselines.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22050;
const song = synthesizeSong({ seconds: 40, sampleRate: rate, channels: 2, seed: 6 });

/** The song, then silence to `seconds`, with a seam where the silence starts. */
function silenced(seconds: number): { original: PcmAudio; result: PcmAudio; seams: number[] } {
  const result = song.channels.map((c) => {
    const out = new Float32Array(seconds * rate);
    out.set(c);
    return out;
  });
  return { original: song, result: { sampleRate: rate, channels: result }, seams: [40] };
}

describe("the beat phase at the seams", () => {
  test("is not reported for a silent extension, and is for music", async () => {
    const looped = loopBaseline(song, 100, 0.02);
    const music = await measureExtension({ original: song, result: looped.audio, seams: looped.seams });
    const silent = await measureExtension(silenced(60));
    expect(silent.seamCount).toBe(1);
    expect(silent.beatPhaseErrorAtSeams).toBeNull();
    expect(music.seamCount).toBeGreaterThan(0);
    expect(music.beatPhaseErrorAtSeams).not.toBeNull();
  }, 120_000);
});

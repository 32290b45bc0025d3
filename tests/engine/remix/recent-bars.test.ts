import { describe, expect, it } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const RATE = 22050;

/** 45 s in one key and sound, then 30 s of new material in another: a song that moves on. */
function songThatMovesOn(): PcmAudio {
  const first = synthesizeSong({ seconds: 45, sampleRate: RATE, channels: 1, bpm: 120, key: 0, seed: 1 });
  const second = synthesizeSong({ seconds: 30, sampleRate: RATE, channels: 1, bpm: 120, key: 5, seed: 2 });
  const channel = new Float32Array(75 * RATE);
  channel.set(first.channels[0]!.subarray(0, 45 * RATE));
  channel.set(second.channels[0]!.subarray(0, 30 * RATE), 45 * RATE);
  return { sampleRate: RATE, channels: [channel] };
}

describe("continue form can open on the input's recent bars in new orders", () => {
  it("plays the first 30 s after the input from its last 30 s, re-ordered, never one stretch twice in a row", async () => {
    const result = await remixExtend(songThatMovesOn(), {
      targetSeconds: 165,
      fadeOutSeconds: 3,
      crossfadeSeconds: 0.02,
      form: "continue",
      recentBarsSeconds: 30,
    });
    const opening = result.segments.filter((s) => s.outputStart < 105 && s.outputStart + s.seconds > 75);
    let recent = 0;
    for (const segment of opening) {
      const from = Math.max(75, segment.outputStart);
      const to = Math.min(105, segment.outputStart + segment.seconds);
      const sourceFrom = segment.sourceStart + (from - segment.outputStart);
      recent += Math.max(0, sourceFrom + (to - from) - Math.max(45, sourceFrom));
    }
    // Without the rotation the walk plays whole phrases from the whole body: 18 of these 30 s from the last 30 s, in two stretches.
    expect(recent / 30).toBeGreaterThan(0.9);
    // New orders: at least five stretches, none longer than 10 s, and no stretch right after itself.
    expect(opening.length).toBeGreaterThanOrEqual(5);
    for (const segment of opening) expect(segment.seconds).toBeLessThanOrEqual(10.5);
    for (let i = 1; i < opening.length; i++)
      expect(Math.abs(opening[i]!.sourceStart - opening[i - 1]!.sourceStart)).toBeGreaterThan(1);
  });

  it("keeps to the phrase walk for a song whose last 30 s sound like the rest of it", async () => {
    const song = synthesizeSong({ seconds: 75, sampleRate: RATE, channels: 1, bpm: 120, key: 0, seed: 3 });
    const settings = { targetSeconds: 150, fadeOutSeconds: 3, crossfadeSeconds: 0.02, form: "continue" } as const;
    const without = await remixExtend(song, settings);
    const asked = await remixExtend(song, { ...settings, recentBarsSeconds: 60 });
    expect(asked.segments).toEqual(without.segments);
  });
});

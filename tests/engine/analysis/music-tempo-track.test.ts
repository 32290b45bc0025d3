import MusicTempo from "music-tempo";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../engine/random.ts";
import { trackMusicTempo } from "../../../engine/analysis/music-tempo-track.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const SAMPLE_RATE = 22_050;
const OPTIONS = { bufferSize: 1024, hopSize: 220, timeStep: 220 / SAMPLE_RATE };

function library(samples: Float32Array): { beats: number[]; beatInterval: number } | undefined {
  try {
    const result = new MusicTempo(samples, { ...OPTIONS });
    return { beats: result.beats, beatInterval: Number(result.beatInterval) };
  } catch {
    return undefined;
  }
}

describe("trackMusicTempo", () => {
  it.each([1, 2, 3])("finds the same beats as music-tempo's own MusicTempo (song seed %i)", (seed) => {
    const song = synthesizeSong({ seconds: 40, sampleRate: SAMPLE_RATE, channels: 1, seed });
    const samples = song.channels[0]!;
    const expected = library(samples);
    const actual = trackMusicTempo(samples, OPTIONS);
    expect(expected).toBeDefined();
    expect(actual?.beats.length).toBe(expected!.beats.length);
    for (const [i, beat] of actual!.beats.entries()) expect(beat).toBeCloseTo(expected!.beats[i]!, 9);
    expect(actual!.beatInterval).toBeCloseTo(expected!.beatInterval, 9);
  });

  it("agrees with the library on clicks at random times, and on silence", () => {
    const random = mulberry32(7);
    const clicks = new Float32Array(20 * SAMPLE_RATE);
    for (let n = 0; n < 40; n++) {
      const at = Math.floor(random() * (clicks.length - 200));
      for (let k = 0; k < 200; k++) clicks[at + k] = (random() - 0.5) * (1 - k / 200);
    }
    for (const samples of [clicks, new Float32Array(10 * SAMPLE_RATE)]) {
      const expected = library(samples);
      const actual = trackMusicTempo(samples, OPTIONS);
      expect(actual === undefined).toBe(expected === undefined);
      expect(actual?.beats.length).toBe(expected?.beats.length);
      for (const [i, beat] of (actual?.beats ?? []).entries()) expect(beat).toBeCloseTo(expected!.beats[i]!, 9);
    }
  });
});

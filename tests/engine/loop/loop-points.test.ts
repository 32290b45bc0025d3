import { describe, expect, it } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { findLoopPoints } from "../../../engine/loop/loop-points.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { loopingSong } from "./looping-song.ts";

const RATE = 22_050;

describe("findLoopPoints", () => {
  it("finds a loop of whole repeats of a repeating body, exact to the sample, after the intro", () => {
    const { audio, introSamples, periodSamples } = loopingSong(RATE);
    const search = findLoopPoints(audio);
    expect(search.found).toBe(true);
    if (!search.found) return;
    const { start, end, join } = search.loop;
    // Any whole number of repeats loops perfectly; anything else does not, by even one sample.
    expect((end - start) % periodSamples).toBe(0);
    expect(end - start).toBeGreaterThanOrEqual(0.35 * audio.channels[0]!.length);
    expect(start).toBeGreaterThanOrEqual(introSamples - periodSamples / 8);
    // The waveform after the end is the one after the start: the join is inaudible.
    expect(join.waveformError).toBeLessThan(1e-6);
    expect(join.stepRatio).toBe(0);
    expect(join.clickRatio).toBeLessThan(8);
    expect(Math.abs(join.loudnessChangeLu ?? 0)).toBeLessThan(0.1);
  });

  it("moves a start found on the beat grid to the exact sample even when the repeat is not a whole number of hops", () => {
    // 8 s + 37 samples: beats land on a 512-sample frame grid, so only the sample search can find this period.
    const { audio, periodSamples } = loopingSong(RATE, { periodExtraSamples: 37 });
    const search = findLoopPoints(audio);
    expect(search.found).toBe(true);
    if (search.found) expect((search.loop.end - search.loop.start) % periodSamples).toBe(0);
  });

  it("says there is no seamless loop in a song that never comes back to where it was, naming the figure", () => {
    // Noise rising steadily by 40 dB: every join of a third of the song or more jumps in level.
    const seconds = 40;
    const length = seconds * RATE;
    const noise = new Float32Array(length);
    let seed = 7;
    for (let i = 0; i < length; i++) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      noise[i] = ((seed / 2 ** 32) * 2 - 1) * 0.5 * 10 ** ((-40 + (40 * i) / length) / 20);
    }
    const search = findLoopPoints({ sampleRate: RATE, channels: [noise] });
    expect(search.found).toBe(false);
    if (search.found) return;
    expect(search.reason).toMatch(/^its best join (differs in sound or level|changes the loudness by)/);
    expect(search.best).toBeDefined();
  });

  it("needs a loop of at least minShare of the song", () => {
    const song: PcmAudio = synthesizeSong({ seconds: 30, sampleRate: RATE, seed: 5 });
    const search = findLoopPoints(song, { minShare: 0.99 });
    expect(search.found).toBe(false);
    if (!search.found) expect(search.reason).toBe("no two bar lines of the song are at least 99 % of its length apart");
  });
});

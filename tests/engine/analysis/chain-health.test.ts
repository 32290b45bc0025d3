import { describe, expect, it } from "vitest";
import { chainFault, chunkHealth, spectralFlatness } from "../../../engine/analysis/chain-health.ts";
import { peak, rms } from "../../../engine/audio/levels.ts";
import { levelCeiling, limitToCeiling } from "../../../engine/extend/level-guard.ts";
import { mulberry32 } from "../../../engine/random.ts";

const RATE = 8000;
const tone = (seconds: number, level: number) =>
  Float32Array.from({ length: seconds * RATE }, (_, i) => level * Math.sin((2 * Math.PI * 220 * i) / RATE));
const noise = (seconds: number, level: number) => {
  const random = mulberry32(3);
  return Float32Array.from({ length: seconds * RATE }, () => level * (2 * random() - 1));
};

describe("chain health", () => {
  it("reads a tone as tonal and white noise as flat", () => {
    expect(spectralFlatness(tone(2, 0.3), RATE)).toBeLessThan(0.01);
    expect(spectralFlatness(noise(2, 0.3), RATE)).toBeGreaterThan(0.5);
    expect(spectralFlatness(new Float32Array(RATE), RATE)).toBe(0);
  });

  it("lets a steady tonal chain run, and stops one that turns to noise, rises, jumps or is not a number", () => {
    const song = chunkHealth(tone(20, 0.1), RATE);
    const steady = [0.1, 0.1, 0.1, 0.1].map((level) => chunkHealth(tone(10, level), RATE));
    expect(chainFault(song, steady)).toBeUndefined();
    expect(chainFault(song, [...steady, chunkHealth(noise(10, 0.1), RATE)])).toMatch(/turned to noise/);
    const rising = [0.1, 0.11, 0.12, 0.135].map((level) => chunkHealth(tone(10, level), RATE));
    expect(chainFault(song, rising.slice(0, 3))).toBeUndefined();
    expect(chainFault(song, rising)).toMatch(/its level kept rising \(2\.6 dB over the last 3 predictions/);
    expect(chainFault(song, [chunkHealth(tone(10, 0.25), RATE)])).toMatch(/8\.0 dB louder than the song/);
    expect(chainFault(song, [chunkHealth(Float32Array.of(0, Number.NaN), RATE)])).toMatch(/not numbers/);
  });
});

describe("level guard", () => {
  it("turns generated audio down to the song's loudest 3 s and its peak, and leaves quieter audio alone", () => {
    const ceiling = levelCeiling(tone(10, 0.2), RATE);
    const loud = Float32Array.from(noise(12, 0.9).map((v, i) => (i < 6 * RATE ? v * 0.1 : v)));
    const quietPart = loud.slice(0, 2 * RATE);
    const cutDb = limitToCeiling(loud, RATE, ceiling);
    expect(cutDb).toBeGreaterThan(6);
    expect(peak(loud)).toBeLessThanOrEqual(ceiling.peak);
    for (let s = 0; s + 3 * RATE <= loud.length; s += RATE / 2) {
      expect(rms(loud.subarray(s, s + 3 * RATE))).toBeLessThanOrEqual(ceiling.loudestRms * 1.0001);
    }
    expect(loud.subarray(0, 2 * RATE)).toEqual(quietPart);
  });
});

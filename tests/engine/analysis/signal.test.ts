import { describe, expect, it } from "vitest";
import { analysisSignal } from "../../../engine/analysis/signal.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

describe("the analysis signal", () => {
  it("is made once per audio object and shared by its readers, and is what a fresh copy of the audio gives", () => {
    const song = synthesizeSong({ seconds: 6, sampleRate: 44_100, channels: 2, seed: 9 });
    const first = analysisSignal(song);
    expect(analysisSignal(song)).toBe(first);
    const copy = { sampleRate: song.sampleRate, channels: song.channels.map((c) => c.slice()) };
    const fresh = analysisSignal(copy);
    expect(fresh).not.toBe(first);
    expect(Array.from(fresh.samples)).toEqual(Array.from(first.samples));
    expect([fresh.sampleRate, fresh.factor]).toEqual([22_050, 2]);
  });
});

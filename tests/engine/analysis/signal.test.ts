import { describe, expect, it } from "vitest";
import { analysisSignal, downmix } from "../../../engine/analysis/signal.ts";
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

  it("downmixes stereo to the channel mean rounded through float32 at each step, as any other channel count", () => {
    const [left, right] = synthesizeSong({ seconds: 2, sampleRate: 8_000, channels: 2, seed: 4 }).channels;
    const stepwise = new Float32Array(left!.length);
    for (const channel of [left!, right!]) for (let i = 0; i < stepwise.length; i++) stepwise[i]! += channel[i]!;
    for (let i = 0; i < stepwise.length; i++) stepwise[i]! *= 0.5;
    expect(downmix({ sampleRate: 8_000, channels: [left!, right!] })).toEqual(stepwise);
    // A third, silent channel: the generic path, one third of the sum.
    const silent = new Float32Array(left!.length);
    const three = downmix({ sampleRate: 8_000, channels: [left!, right!, silent] });
    expect(Math.max(...three.map((v, i) => Math.abs(v - (stepwise[i]! * 2) / 3)))).toBeLessThan(1e-6);
  });
});

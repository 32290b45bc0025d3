import { describe, expect, it } from "vitest";
import { analyseSignal, type SignalAnalysis } from "../../../engine/analysis/beats.ts";
import { frameFeatureBuilder, frameFeatures } from "../../../engine/analysis/features.ts";
import { signalAnalysisStream } from "../../../engine/analysis/signal-stream.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

/** Feeds `song` in pieces of the given lengths (as a decoder's output grows), then finishes it. */
function analyseInPieces(song: PcmAudio, pieces: readonly number[]): SignalAnalysis {
  const stream = signalAnalysisStream(song.sampleRate, song.channels.length);
  let length = 0;
  for (const piece of pieces) {
    length = Math.min(song.channels[0]!.length, length + piece);
    stream.advance(song.channels, length);
  }
  return stream.finish(song);
}

const bits = (analysis: SignalAnalysis) => ({
  signal: { ...analysis.signal, samples: Array.from(analysis.signal.samples) },
  frames: Object.fromEntries(
    Object.entries(analysis.frames).map(([key, value]) => [
      key,
      value instanceof Float32Array ? Array.from(value) : value,
    ]),
  ),
  beats: { ...analysis.beats, features: undefined, onset: Array.from(analysis.beats.onset.envelope) },
  beatFeatures: analysis.beats.features.chroma.map((c) => Array.from(c)),
});

describe("the input's analysis fed in pieces", () => {
  it("equals the whole input's analysis bit for bit, whatever the pieces (stereo 44.1 kHz, mono 48 kHz)", () => {
    const stereo = synthesizeSong({ seconds: 12, sampleRate: 44_100, channels: 2, seed: 5 });
    const mono = synthesizeSong({ seconds: 9, sampleRate: 48_000, channels: 1, seed: 8 });
    for (const song of [stereo, mono]) {
      const whole = bits(analyseSignal(song));
      expect(bits(analyseInPieces(song, [4096, 1, 3, 70_000, 1000, 123_457]))).toEqual(whole);
      expect(bits(analyseInPieces(song, [1151]))).toEqual(whole);
      expect(bits(analyseInPieces(song, []))).toEqual(whole);
    }
  });

  it("analyses a song of other channels, or one that differs from what was fed, whole", () => {
    const three = synthesizeSong({ seconds: 3, sampleRate: 22_050, channels: 2, seed: 2 });
    const song: PcmAudio = { ...three, channels: [...three.channels, three.channels[0]!] };
    expect(bits(analyseInPieces(song, [30_000]))).toEqual(bits(analyseSignal(song)));
    const fed = synthesizeSong({ seconds: 3, sampleRate: 44_100, channels: 2, seed: 3 });
    const stream = signalAnalysisStream(44_100, 2);
    stream.advance(fed.channels, fed.channels[0]!.length);
    const monoSong = { sampleRate: 44_100, channels: [fed.channels[0]!] };
    expect(bits(stream.finish(monoSong))).toEqual(bits(analyseSignal(monoSong)));
  });

  it("computes each frame once its window has arrived, and the same frames as frameFeatures", () => {
    const samples = synthesizeSong({ seconds: 2, sampleRate: 22_050, channels: 1, seed: 1 }).channels[0]!;
    const builder = frameFeatureBuilder(22_050);
    builder.advance(samples.subarray(0, 2047), false);
    builder.advance(samples.subarray(0, 5000), false);
    builder.advance(samples, true);
    expect(builder.result()).toEqual(frameFeatures(samples, 22_050));
    const short = samples.subarray(0, 1000);
    const tiny = frameFeatureBuilder(22_050);
    tiny.advance(short, true);
    expect(tiny.result()).toEqual(frameFeatures(short, 22_050));
    expect(() => tiny.advance(samples.subarray(0, 10), true)).toThrow(/only grow/);
  });
});

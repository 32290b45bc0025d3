import { describe, expect, test } from "vitest";
import { integratedLufs } from "../../../engine/audio/loudness.ts";
import { loopBaseline } from "../../../engine/quality/baselines.ts";
import { fluxInRanges, frameFeatures } from "../../../engine/analysis/features.ts";
import { integratedLoudness } from "../../../engine/quality/loudness.ts";
import { shortestLoopSeconds, verbatimFraction, type SlidingBlocks } from "../../../engine/quality/loops.ts";
import { NEAR_IDENTICAL_DISTANCE } from "../../../engine/analysis/beat-vectors.ts";
import { analyseOriginal, measureExtension } from "../../../engine/quality/measure.ts";
import { analysisSignal } from "../../../engine/analysis/signal.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { mulberry32 } from "../../../engine/random.ts";

const song = synthesizeSong({ seconds: 30, sampleRate: 22050, channels: 2, seed: 5 });

describe("the measurement of a known case", () => {
  test("a 30 s synthetic song looped to 75 s gives the values the original (unoptimised) measurement gave", async () => {
    const loop = loopBaseline(song, 75, 0.02);
    // The direct path: the one that analyses every sample of the extension (tests/engine/quality/mapped-path.test.ts
    // holds the mapped path, the default, to these figures within tolerances).
    const report = await measureExtension(
      { original: song, result: loop.audio, seams: loop.seams },
      { path: "direct" },
    );
    // Measured by engine/quality/measure.ts at commit 58564be, before the speed-up.
    expect(report.extensionSeconds).toBe(45);
    expect(report.seamCount).toBe(5);
    expect(report.clicksAtSeams).toBe(0);
    // -0.8194 with the 4 s lead before the first seam; the 5 s lead (so the first seam gets a beat-phase reading)
    // puts the flux frames on a grid shifted by a fraction of a hop. Within 5e-7: the FFT is single precision (PFFFT)
    // since the magnitudes' float32 rounding, moving the flux by about 2e-7.
    expect(report.seamFluxZ).toBeCloseTo(-0.7563384942425896, 6);
    expect(report.seamLoudnessChangeLu).toBeCloseTo(0.04374871641426026, 9);
    expect(report.integratedLoudnessDifferenceLu).toBeCloseTo(-0.041365421649071976, 6);
    expect(report.tempoDifferencePercent).toBeCloseTo(0.010505090531133257, 9);
    expect(report.beatPhaseErrorAtSeams).toBe(0);
    // MFCCs: within the single-precision FFT's error too.
    expect(report.timbreDistance).toBeCloseTo(0.15655203938471574, 7);
    // Now taken on the extension's own frame grid instead of the grid of the 4 s before it.
    expect(report.harmonySimilarity).toBeCloseTo(0.9950323940812649, 4);
    expect(report.shortestLoopSeconds).toBeCloseTo(1.9736961451247166, 9);
    expect(report.originalShortestLoopSeconds).toBeCloseTo(7.964444444444444, 9);
    expect(report.verbatimFraction).toBeCloseTo(0.9717868338557993, 9);
    expect(report.originalTempoBpm).toBeCloseTo(120.030168082909, 9);
    expect(report.extensionTempoBpm).toBeCloseTo(120.01755880508722, 9);
  });

  test("a shared analysis of the original gives the same report as analysing it again", async () => {
    const loop = loopBaseline(song, 50, 0.02);
    const input = { original: song, result: loop.audio, seams: loop.seams };
    const shared = await measureExtension(input, { originalAnalysis: analyseOriginal(song) });
    expect(shared).toEqual(await measureExtension(input));
  });
});

describe("fast paths compute the same numbers", () => {
  const signal = analysisSignal(song);

  test("flux computed only in some frame ranges equals the full flux there and is 0 elsewhere", () => {
    const reference = frameFeatures(signal.samples, signal.sampleRate).flux;
    const flux = fluxInRanges(signal.samples, [
      [-5, 40],
      [300, 420],
      [410, 500],
    ]);
    expect(flux.length).toBe(reference.length);
    for (let f = 0; f < flux.length; f++) {
      const inside = f <= 40 || (f >= 300 && f <= 500);
      expect(flux[f]).toBe(inside ? reference[f] : 0);
    }
  });

  test("integrated loudness agrees with ebur128 for stereo, mono and silence", () => {
    expect(integratedLoudness(song)).toBeCloseTo(integratedLufs(song), 6);
    const mono = { sampleRate: song.sampleRate, channels: [song.channels[0]!] };
    expect(integratedLoudness(mono)).toBeCloseTo(integratedLufs(mono), 6);
    expect(integratedLoudness({ sampleRate: 22050, channels: [new Float32Array(22050)] })).toBe(-Infinity);
  });

  test("the pruned loop and verbatim searches find what a brute-force search finds", () => {
    const random = mulberry32(3);
    const size = 4;
    const make = (count: number, repeatFrom: number, period: number): SlidingBlocks => {
      const vectors = new Float32Array(count * size);
      for (let i = 0; i < count; i++) {
        for (let d = 0; d < size; d++) {
          vectors[i * size + d] =
            i >= repeatFrom ? vectors[(i - period) * size + d]! + 0.05 * (random() - 0.5) : random();
        }
      }
      const silent = Uint8Array.from({ length: count }, () => (random() < 0.05 ? 1 : 0));
      return { count, blockFrames: 4, stride: 1, frameSeconds: 0.1, size, vectors, silent };
    };
    const distance = (a: SlidingBlocks, i: number, b: SlidingBlocks, j: number) =>
      Math.hypot(...Array.from({ length: size }, (_, d) => a.vectors[i * size + d]! - b.vectors[j * size + d]!));
    const reference = make(600, 600, 1);
    const blocks = make(400, 200, 37);
    let copied = 0;
    for (let i = 0; i < blocks.count; i++) {
      if (blocks.silent[i]) continue;
      for (let j = 0; j < reference.count; j += 2) {
        if (!reference.silent[j] && distance(blocks, i, reference, j) < NEAR_IDENTICAL_DISTANCE) {
          copied++;
          break;
        }
      }
    }
    expect(verbatimFraction(blocks, reference)).toBe(copied / blocks.count);
    expect(copied).toBeGreaterThan(0);
    expect(shortestLoopSeconds(blocks)).toBeCloseTo(3.7, 9);
  });
});

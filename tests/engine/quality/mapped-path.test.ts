import { beforeAll, describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { extendAudio } from "../../../engine/extend/extend.ts";
import type { ExtendResult } from "../../../engine/extend/types.ts";
import { copySegments, coveredShare } from "../../../engine/quality/copy-map.ts";
import { findResultCopies } from "../../../engine/quality/form.ts";
import { loopBaseline } from "../../../engine/quality/baselines.ts";
import { measureExtension, measureStages, type MeasurePath } from "../../../engine/quality/measure.ts";
import type { QualityReport } from "../../../engine/quality/report.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22050;
const song = synthesizeSong({ seconds: 60, sampleRate: rate, channels: 2, seed: 9 });

async function measured(result: ExtendResult | { audio: PcmAudio; seams: readonly number[]; introSeconds?: number }) {
  const run = async (path: MeasurePath) => {
    const timings: Record<string, number> = {};
    const report = await measureExtension(
      { original: song, result: result.audio, seams: result.seams, introSeconds: result.introSeconds },
      { path, timings },
    );
    return { report, stages: Object.keys(timings) };
  };
  return { mapped: await run("mapped"), direct: await run("direct") };
}

/**
 * The tolerances the mapped path promises against the direct one (see MeasurePath). Seam metrics and form metrics are
 * measured on the result's own samples either way: equal. Features come from the input frame nearest to the copied
 * audio (at most half a hop, 11.6 ms, off the result's grid), loudness from the input's K-weighted power.
 */
function expectSameFigures(mapped: QualityReport, direct: QualityReport): void {
  for (const key of ["clicksAtSeams", "seamFluxZ", "seamLoudnessChangeLu", "beatPhaseErrorAtSeams"] as const)
    expect(mapped[key], key).toBe(direct[key]);
  for (const key of [
    "extensionSeconds",
    "seamCount",
    "originalTempoBpm",
    "originalShortestLoopSeconds",
    "longestVerbatimRunSeconds",
    "longestRepeatedStretchSeconds",
    "introReplays",
    "endsWithInputEnding",
    "longestInternalSilenceSeconds",
  ] as const)
    expect(mapped[key], key).toBe(direct[key]);
  expect(Math.abs(mapped.integratedLoudnessDifferenceLu! - direct.integratedLoudnessDifferenceLu!)).toBeLessThan(0.01);
  // The beat tracker's own reading of a copy wanders by about 1 %; the mapped reading is the input's beats.
  expect(Math.abs(mapped.extensionTempoBpm! - direct.extensionTempoBpm!)).toBeLessThan(
    0.02 * direct.extensionTempoBpm!,
  );
  expect(Math.abs(mapped.tempoDifferencePercent! - direct.tempoDifferencePercent!)).toBeLessThan(2);
  expect(Math.abs(mapped.timbreDistance! - direct.timbreDistance!)).toBeLessThan(0.05 * direct.timbreDistance! + 0.05);
  expect(Math.abs(mapped.harmonySimilarity! - direct.harmonySimilarity!)).toBeLessThan(0.005);
  expect(Math.abs(mapped.verbatimFraction! - direct.verbatimFraction!)).toBeLessThan(0.03);
  expect(Math.abs(mapped.shortestLoopSeconds - direct.shortestLoopSeconds)).toBeLessThan(0.1);
}

describe("the mapped path against the direct one, on a generated 60 s song", () => {
  let remix: Awaited<ReturnType<typeof measured>>;
  let loop: Awaited<ReturnType<typeof measured>>;
  beforeAll(async () => {
    const extended = await extendAudio(song, { targetSeconds: 150, engine: "remix", fadeOutSeconds: 4 });
    remix = await measured(extended);
    loop = await measured(loopBaseline(song, 120, 0.02));
  }, 120_000);

  test("extended to 2:30 by the remix engine: the same figures within the stated tolerances", () => {
    expect(remix.mapped.stages).toContain("extension: frames (mapped)");
    expect(remix.direct.stages).toContain("extension: beats");
    expectSameFigures(remix.mapped.report, remix.direct.report);
  });

  test("its last 10 s looped to 2:00: the same figures, and both find the song's own 2 s repeat", () => {
    expect(loop.mapped.stages).toContain("extension: frames (mapped)");
    expectSameFigures(loop.mapped.report, loop.direct.report);
    expect(loop.mapped.report.shortestLoopSeconds).toBeGreaterThan(1.9);
  });
});

describe("when the mapped path does not apply", () => {
  test("an extension that copies nothing of the input (another song) is analysed directly", async () => {
    const other = synthesizeSong({ seconds: 30, sampleRate: rate, channels: 2, seed: 10, bpm: 132 });
    const result: PcmAudio = {
      sampleRate: rate,
      channels: song.channels.map((c, i) => {
        const out = new Float32Array(c.length + other.channels[i]!.length);
        out.set(c);
        out.set(other.channels[i]!, c.length);
        return out;
      }),
    };
    const { mapped, direct } = await measured({ audio: result, seams: [60] });
    expect(mapped.stages).toContain("extension: beats");
    expect(mapped.report).toEqual(direct.report);
    expect(mapped.report.tempoDifferencePercent).toBeGreaterThan(8);
  });
});

describe("copied segments", () => {
  test("a result made of two stretches of the input is covered by two segments with their offsets", () => {
    const part = (from: number, to: number) => song.channels.map((c) => c.subarray(from * rate, to * rate));
    const [a, b] = [part(0, 20), part(35, 50)];
    const result: PcmAudio = {
      sampleRate: rate,
      channels: a.map((c, i) => {
        const out = new Float32Array(c.length + b[i]!.length);
        out.set(c);
        out.set(b[i]!, c.length);
        return out;
      }),
    };
    const segments = copySegments(findResultCopies(song, result).copies, 0, 35 * rate);
    const offsets = [...new Set(segments.map((s) => s.offset))];
    expect(offsets).toContain(0);
    expect(offsets).toContain(-15 * rate);
    // Only what lies beyond a copy's outermost anchors (up to its edges: the start, the cut, the end) is left out.
    expect(coveredShare(segments, 0, 35 * rate)).toBeGreaterThan(0.97);
    // Every segment is what it says: the input's samples at its offset.
    for (const { start, end, offset } of segments)
      for (let i = start; i < end; i += 97)
        expect(result.channels.map((c) => c[i])).toEqual(song.channels.map((c) => c[i - offset]));
  });
});

describe("progress", () => {
  test("counts exactly the stages the measurement times, in order, and ends at the total", async () => {
    const loop = loopBaseline(song, 80, 0.02);
    for (const path of ["mapped", "direct"] as const) {
      const timings: Record<string, number> = {};
      const progress: [number, number][] = [];
      await measureExtension(
        { original: song, result: loop.audio, seams: loop.seams },
        { path, timings, onProgress: (done, total) => progress.push([done, total]) },
      );
      const stages = measureStages({ path });
      expect(Object.keys(timings)).toEqual(stages);
      expect(progress.at(-1)).toEqual([stages.length, stages.length]);
      expect(progress.every(([done], i) => i === 0 || done >= progress[i - 1]![0])).toBe(true);
      expect(new Set(progress.map(([, total]) => total))).toEqual(new Set([stages.length]));
    }
  });
});

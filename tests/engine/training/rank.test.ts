import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { FEATURE_SIZE } from "../../../engine/analysis/second-frames.ts";
import { buildModel } from "../../../engine/model/build.ts";
import { createConductor } from "../../../engine/model/conductor.ts";
import { makeMeta } from "../../../engine/model/io.ts";
import { CONDUCTOR_PRESET } from "../../../engine/model/presets.ts";
import { computeStandardisation } from "../../../engine/model/standardise.ts";
import { initialZeros } from "../../../engine/training/conductor-train.ts";
import { seedWeights } from "../../../engine/training/conductor-fit.ts";
import type { FileFrames } from "../../../engine/training/feature-windows.ts";
import { evaluateRanking, meanOfLast } from "../../../engine/training/rank-evaluate.ts";
import { fitRankingConductor } from "../../../engine/training/rank-fit.ts";
import { trainModel } from "../../../engine/training/train-model.ts";
import {
  candidateDistances,
  distanceWeights,
  gatherRanking,
  rankingLoss,
  rankingWindows,
  stretchDistance,
} from "../../../engine/training/rank-windows.ts";
import { mulberry32 } from "../../../engine/random.ts";

const SECTION = 10;
const CYCLE = 2 * SECTION;

/**
 * Songs of two 10 s sections A B repeated (each its own random frame, a little noise per second): the next 10 s are
 * always the stretch one cycle (20 s) earlier, inside the context, while the mean of the last 20 s is as near every
 * candidate as any other.
 */
function cycleSongs(count: number, seconds: number, seed = 3): FileFrames[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, n) => {
    const sections = Array.from({ length: 2 }, () =>
      Float32Array.from({ length: FEATURE_SIZE }, (_, d) => (d < 12 ? random() : 6 * (random() - 0.5))),
    );
    return {
      name: `cycle-${n}.wav`,
      frames: Array.from({ length: seconds }, (_, t) =>
        Float32Array.from(sections[Math.floor(t / SECTION) % 2]!, (v) => v + 0.02 * (random() - 0.5)),
      ),
    };
  });
}

const songs = cycleSongs(2, 70);
const standardisation = computeStandardisation(
  songs.flatMap((s) => s.frames),
  [[0, 12]],
);
const windowOptions = { contextFrames: 20, horizonFrames: 10, hopFrames: 2, candidates: 12, nearest: 3, seed: 1 };

describe("rankingWindows", () => {
  it("gives each cut the requested candidates, the truth's nearest among them: a start one or more cycles back", () => {
    const windows = rankingWindows(songs, standardisation, windowOptions);
    expect(windows.count).toBeGreaterThan(30);
    for (let w = 0; w < windows.count; w++) {
      const distances = Array.from(windows.truthDistances.subarray(w * 12, (w + 1) * 12));
      const nearest = windows.starts[w * 12 + distances.indexOf(Math.min(...distances))]!;
      expect((windows.cut[w]! - nearest) % CYCLE).toBe(0);
      expect(Math.min(...distances)).toBeLessThan(0.1);
    }
  });

  it("measures in tensors the steering's distance (mean frameDistance of the raw frames)", () => {
    const windows = rankingWindows(songs, standardisation, windowOptions);
    const batch = gatherRanking(windows, [0, 5]);
    const distances = tf.tidy(() => {
      const stretches = tf.tensor4d(batch.stretches, [2, 13, 10, FEATURE_SIZE]);
      const truth = tf.reshape(tf.slice(stretches, [0, 12, 0, 0], [2, 1, 10, FEATURE_SIZE]), [2, 10, FEATURE_SIZE]);
      const candidates = tf.slice(stretches, [0, 0, 0, 0], [2, 12, 10, FEATURE_SIZE]);
      return candidateDistances(truth as tf.Tensor3D, candidates, tf.tensor1d(distanceWeights(standardisation)));
    });
    const computed = distances.arraySync().flat();
    distances.dispose();
    const expected = [0, 5].flatMap((w) =>
      Array.from({ length: 12 }, (_, j) =>
        stretchDistance(songs[windows.file[w]!]!.frames, windows.cut[w]!, windows.starts[w * 12 + j]!, 10),
      ),
    );
    computed.forEach((d, i) => {
      expect(d).toBeCloseTo(expected[i]!, 2);
    });
  });
});

describe("rankingLoss", () => {
  it("is lowest when the prediction orders the candidates as the truth does", () => {
    const truth = tf.tensor2d([[0.1, 0.6, 1.2, 0.9]]);
    const loss = (d: number[]) => tf.tidy(() => rankingLoss(tf.tensor2d([d]), truth, 0.05).arraySync());
    const same = loss([0.1, 0.6, 1.2, 0.9]);
    expect(same).toBeLessThan(loss([0.6, 0.1, 1.2, 0.9]));
    expect(same).toBeLessThan(loss([0.5, 0.5, 0.5, 0.5]));
    truth.dispose();
  });
});

describe("fitRankingConductor", () => {
  const config = { ...CONDUCTOR_PRESET, hiddenUnits: [8] };
  let before: number;
  let after: number;
  let meanRegret: number;

  beforeAll(async () => {
    const model = buildModel(config);
    seedWeights(model, 1, { zero: initialZeros(config) });
    const conductor = () => createConductor({ model, config, meta: makeMeta(config, { features: features() }) });
    const regret = async () => (await measure({ model: conductor().predict })).total.model!.regret;
    before = await regret();
    meanRegret = (await measure({ model: meanOfLast(20, 10) })).total.model!.regret;
    const train = rankingWindows(songs, standardisation, windowOptions);
    await fitRankingConductor(model, train, undefined, {
      epochs: 10,
      batchSize: 24,
      learningRate: 0.03,
      patience: 10,
      seed: 1,
      weights: distanceWeights(standardisation),
      tau: 0.05,
      mseWeight: 0,
    });
    after = await regret();
    model.dispose();
  }, 240_000);

  it("starts as the mean of the context and learns to pick the stretch that comes next", () => {
    expect(before).toBeCloseTo(meanRegret, 1);
    expect(after).toBeLessThan(0.85 * before);
  });
});

describe("trainModel with the ranking objective", () => {
  it("refuses it for a raw-audio preset before reading any data", async () => {
    const training = trainModel({ dataDir: "/nowhere", outDir: "/nowhere/out", preset: "small", objective: "rank" });
    await expect(training).rejects.toThrow(/needs a feature preset, not small/);
  });
});

const features = () => ({ version: "second-frames-v1", standardisation });

/** Scores one guess on fresh songs of the same kind, a cut every 3 s. */
function measure(guess: {
  model: ((context: readonly Float32Array[]) => Promise<Float32Array[]>) | ReturnType<typeof meanOfLast>;
}) {
  const fresh = cycleSongs(2, 70, 9);
  const wrapped =
    guess.model.length === 1
      ? (frames: readonly Float32Array[], cut: number) =>
          (guess.model as (c: readonly Float32Array[]) => Promise<Float32Array[]>)(frames.slice(cut - 20, cut))
      : (guess.model as ReturnType<typeof meanOfLast>);
  return evaluateRanking({ guesses: { model: wrapped }, files: fresh, horizonFrames: 10, firstCut: 41, hopFrames: 3 });
}

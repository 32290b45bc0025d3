import * as tf from "@tensorflow/tfjs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { FEATURE_SIZE } from "../../../engine/analysis/second-frames.ts";
import { selectBackend } from "../../../engine/model/backend.ts";
import { buildModel } from "../../../engine/model/build.ts";
import { loadConductor } from "../../../engine/model/conductor.ts";
import { loadModelMeta, modelKind } from "../../../engine/model/io.ts";
import { computeStandardisation } from "../../../engine/model/standardise.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { evaluateConductor, formatConductorTable } from "../../../engine/training/conductor-evaluate.ts";
import { fitConductor, seedWeights, windowsMse } from "../../../engine/training/conductor-fit.ts";
import { contextMeanLoss, initialZeros, trainConductor } from "../../../engine/training/conductor-train.ts";
import { loadFileFrames } from "../../../engine/training/feature-cache.ts";
import { chromaRotation, featureWindows } from "../../../engine/training/feature-windows.ts";
import { alternatingFiles, tinyConductorConfig as config } from "./conductor-synthetic.ts";
import { placeholderFiles } from "./synthetic.ts";

let dir: string;
beforeAll(async () => {
  await selectBackend("cpu");
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-conductor-train-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** MSE of repeating the last context frame over the horizon (standardised windows). */
function repeatLastLoss(windows: ReturnType<typeof featureWindows>): number {
  const { contextFrames: c, horizonFrames: h, featureSize: f } = windows;
  let sum = 0;
  for (let w = 0; w < windows.count; w++) {
    for (let t = 0; t < h; t++)
      for (let d = 0; d < f; d++) sum += (windows.y[(w * h + t) * f + d]! - windows.x[(w * c + c - 1) * f + d]!) ** 2;
  }
  return sum / (windows.count * h * f);
}

describe("fitConductor", () => {
  it("fits 2 epochs on synthetic feature windows: 2 loss entries, and learns the pattern far better than the baselines", async () => {
    const files = alternatingFiles(8, 60);
    const standardisation = computeStandardisation(files.flatMap((f) => f.frames));
    const train = featureWindows(files.slice(0, 6), config, 1, standardisation);
    const validation = featureWindows(files.slice(6), config, 1, standardisation);
    const model = buildModel(config);
    seedWeights(model, 1, { zero: initialZeros(config) });
    const tensors = tf.memory().numTensors;
    const fit = await fitConductor(model, train, validation, {
      epochs: 2,
      batchSize: 16,
      learningRate: 1e-2,
      patience: 2,
      seed: 1,
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(fit.history).toHaveLength(2);
    expect(fit.history.every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.validationLoss))).toBe(true);
    const learned = await windowsMse(model, validation);
    expect(learned).toBeCloseTo(fit.bestValidationLoss!, 5);
    expect(learned).toBeLessThan(0.2 * repeatLastLoss(validation));
    expect(learned).toBeLessThan(0.2 * contextMeanLoss(validation)!);
    model.dispose();
  });

  it("initialises the same weights for the same seed", () => {
    const weightsOf = (seed: number) => {
      const model = buildModel(config);
      seedWeights(model, seed);
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    expect(weightsOf(3)).toEqual(weightsOf(3));
    expect(weightsOf(3)).not.toEqual(weightsOf(4));
  });
});

describe("chromaRotation", () => {
  it("rotates the 12 chroma bins of context and target alike, and nothing else", () => {
    const featureSize = 14;
    const x = Float32Array.from({ length: 2 * featureSize }, (_, i) => i);
    const y = Float32Array.from({ length: featureSize }, (_, i) => 100 + i);
    chromaRotation(2, 1, featureSize)(x, y, 1, () => 3 / 12); // shift by 3 semitones
    expect(Array.from(x.subarray(0, 12))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2]);
    expect(Array.from(x.subarray(12, 14))).toEqual([12, 13]);
    expect(Array.from(y.subarray(0, 3))).toEqual([103, 104, 105]);
    expect(Array.from(y.subarray(12))).toEqual([112, 113]);
  });
});

describe("trainConductor and evaluateConductor", () => {
  it("trains on songs through the feature cache, writes a loadable conductor and a report, and scores it beside the baselines", async () => {
    const data = path.join(dir, "data");
    const names = await placeholderFiles(data, 5);
    let decoded = 0;
    const loadAudio = async (file: string): Promise<PcmAudio> => {
      decoded += 1;
      return synthesizeSong({
        seconds: 40,
        sampleRate: 22_050,
        channels: 1,
        seed: Number(/(\d+)\.wav$/.exec(file)![1]),
      });
    };
    const split = { train: names.slice(0, 3), validation: [names[3]!], test: [names[4]!] };
    const common = {
      dataDir: data,
      cacheDir: path.join(dir, "cache"),
      split,
      config: { ...config, featureSize: FEATURE_SIZE },
      loadAudio,
    };
    const report = await trainConductor({ ...common, outDir: path.join(dir, "model"), epochs: 2, batchSize: 8 });
    expect(decoded).toBe(4); // train + validation, never the test file
    expect(report.history).toHaveLength(2);
    expect(report.data.windows).toEqual({ train: 3 * 6, validation: 11 }); // 40 s: (40 - 30) / 2 + 1 at hop 2, 11 at hop 1
    expect(report.features.standardisation.mean).toHaveLength(FEATURE_SIZE);
    expect(JSON.parse(await readFile(path.join(dir, "model", "training-report.json"), "utf8")).kind).toBe("conductor");
    expect((await readdir(path.join(dir, "model"))).sort()).toEqual([
      "group1-shard1of1.bin",
      "harmonizer.json",
      "model.json",
      "training-report.json",
    ]);
    expect(await modelKind(path.join(dir, "model"))).toBe("conductor");

    await trainConductor({ ...common, outDir: path.join(dir, "again"), epochs: 1, batchSize: 8 });
    expect(decoded).toBe(4); // the second run reads cached frames

    const conductor = await loadConductor(path.join(dir, "model"), "cpu");
    const files = await loadFileFrames(data, split.test, { cacheDir: path.join(dir, "cache"), load: loadAudio });
    const meta = await loadModelMeta(path.join(dir, "model"));
    const result = await evaluateConductor({
      conductor,
      files,
      standardisation: meta.features!.standardisation,
      hopFrames: 5,
    });
    expect(result.windows).toBe(3);
    for (const method of ["conductor", "repeatLast", "contextMean", "songMean"] as const) {
      expect(result.mean[method].mse).toBeGreaterThan(0);
      expect(Math.abs(result.mean[method].cosine)).toBeLessThanOrEqual(1);
    }
    expect(formatConductorTable(result)).toMatch(
      /conductor[\s\S]*repeat the last second[\s\S]*mean of the last 20 s[\s\S]*mean of the input so far/,
    );
  });
});

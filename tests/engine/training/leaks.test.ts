import * as tf from "@tensorflow/tfjs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEATURE_SIZE } from "../../../engine/analysis/second-frames.ts";
import { selectBackend } from "../../../engine/model/backend.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { trainConductor } from "../../../engine/training/conductor-train.ts";
import { train } from "../../../engine/training/train.ts";
import { tinyConductorConfig } from "./conductor-synthetic.ts";
import { periodicLoader, placeholderFiles } from "./synthetic.ts";

let dir: string;
beforeAll(async () => {
  await selectBackend("cpu");
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-training-leaks-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("training leaves no tensor behind", () => {
  it("the conductor: two runs of 2 epochs each end with as many tensors as before", async () => {
    const data = path.join(dir, "conductor-data");
    const names = await placeholderFiles(data, 4);
    const options = {
      dataDir: data,
      cacheDir: path.join(dir, "conductor-cache"),
      split: { train: names.slice(0, 3), validation: [names[3]!], test: [] },
      config: { ...tinyConductorConfig, featureSize: FEATURE_SIZE },
      loadAudio: async (file: string) =>
        synthesizeSong({ seconds: 36, sampleRate: 22_050, channels: 1, seed: Number(/(\d+)\.wav$/.exec(file)![1]) }),
      epochs: 2,
      batchSize: 8,
    };
    await trainConductor({ ...options, outDir: path.join(dir, "conductor-warm") }); // features cached, kernels compiled
    const before = tf.memory().numTensors;
    const report = await trainConductor({ ...options, outDir: path.join(dir, "conductor") });
    expect(report.history).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("the raw-audio model: a run of 2 epochs with validation ends with as many tensors as before", async () => {
    const data = path.join(dir, "audio-data");
    const names = await placeholderFiles(data, 3);
    const config = {
      sampleRate: 16,
      encoderSteps: 4,
      decoderSteps: 2,
      hiddenUnits: [8],
      relationAlpha: 0.4,
      hiddenAlpha: 0.3,
      shareWeights: true,
      normalization: "layer" as const,
    };
    const options = {
      dataDir: data,
      cacheDir: path.join(dir, "audio-cache"),
      split: { train: names.slice(0, 2), validation: [names[2]!], test: [] },
      config,
      loadAudio: periodicLoader(12),
      epochs: 2,
      batchSize: 4,
      hopSeconds: 1,
    };
    await train({ ...options, outDir: path.join(dir, "audio-warm") });
    const before = tf.memory().numTensors;
    const report = await train({ ...options, outDir: path.join(dir, "audio") });
    expect(report.history).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });
});

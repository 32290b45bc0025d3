import * as tf from "@tensorflow/tfjs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FEATURE_SIZE, SECOND_FRAMES_VERSION } from "../../../engine/analysis/second-frames.ts";
import { selectBackend } from "../../../engine/model/backend.ts";
import { buildModel, countParameters, describeModel, parameterCount } from "../../../engine/model/build.ts";
import { parseModelConfig, type ModelConfig } from "../../../engine/model/config.ts";
import { createConductor, loadConductor } from "../../../engine/model/conductor.ts";
import { loadModel, makeMeta, modelKind, saveModel } from "../../../engine/model/io.ts";
import { createPredictor } from "../../../engine/model/predictor.ts";
import { CONDUCTOR_PRESET, SEED_PRESET, SMALL_PRESET, presetConfig } from "../../../engine/model/presets.ts";
import type { Standardisation } from "../../../engine/model/standardise.ts";
import { seedWeights } from "../../../engine/training/conductor-fit.ts";
import { initialZeros } from "../../../engine/training/conductor-train.ts";

/** A raw-feature context [20][F]: a slow drift per dimension around typical raw values. */
const rawContext = (featureSize: number): Float32Array[] =>
  Array.from({ length: 20 }, (_, t) =>
    Float32Array.from({ length: featureSize }, (_, d) => -20 + d + Math.sin(t / 3 + d)),
  );

const standardisation = (featureSize: number): Standardisation => ({
  mean: Array.from({ length: featureSize }, (_, d) => -20 + d),
  std: Array.from({ length: featureSize }, (_, d) => 0.5 + d / 10),
});

const conductorMeta = (config: ModelConfig) =>
  makeMeta(config, {
    preset: "conductor",
    features: { version: SECOND_FRAMES_VERSION, standardisation: standardisation(FEATURE_SIZE) },
  });

let dir: string;
beforeAll(async () => {
  await selectBackend("cpu");
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-conductor-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the conductor preset", () => {
  it("builds with its documented 9,042 parameters and maps [batch, 20, 28] to [batch, 10, 28]", () => {
    const model = buildModel(CONDUCTOR_PRESET);
    expect(presetConfig("conductor")).toBe(CONDUCTOR_PRESET);
    expect(countParameters(model)).toBe(9_042);
    expect(parameterCount(CONDUCTOR_PRESET)).toBe(9_042);
    const description = describeModel(CONDUCTOR_PRESET, "conductor");
    expect(description).toMatchObject({ parameters: 9_042, kind: "conductor", units: 3 });
    expect(description.summary.join("\n")).toMatch(/9,042 parameters.*\n.*28 values/);
    expect(model.inputs[0]!.shape).toEqual([null, 20, FEATURE_SIZE]);
    expect(model.outputs[0]!.shape).toEqual([null, 10, FEATURE_SIZE]);
    const y = tf.tidy(() => model.predict(tf.randomNormal([3, 20, FEATURE_SIZE])) as tf.Tensor);
    expect(y.shape).toEqual([3, 10, FEATURE_SIZE]);
    y.dispose();
    model.dispose();
  });

  it("leaves the audio presets' parameter counts as they were", () => {
    expect(parameterCount(SEED_PRESET)).toBe(399_890_460);
    expect(parameterCount(SMALL_PRESET)).toBe(7_069_662);
    expect(describeModel(SMALL_PRESET).kind).toBe("predictor");
  });

  it("starts as the mean of the context when initialised with its zero layers (residual and unit skips)", () => {
    const model = buildModel(CONDUCTOR_PRESET);
    seedWeights(model, 1, { zero: initialZeros(CONDUCTOR_PRESET) });
    const x = tf.randomNormal([2, 20, FEATURE_SIZE]);
    const [y, mean] = tf.tidy(() => [model.predict(x) as tf.Tensor, tf.tile(tf.mean(x, 1, true), [1, 10, 1])]);
    expect(tf.max(tf.abs(tf.sub(y!, mean!))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([x, y!, mean!]);
    model.dispose();
  });

  it("computes the parameter count of feature configs from the config alone", () => {
    for (const overrides of [
      {},
      { unitSkip: false, residual: "none" as const },
      { shareWeights: false },
      { normalization: "layer" as const },
    ]) {
      const config = { ...CONDUCTOR_PRESET, hiddenUnits: [8], ...overrides };
      const model = buildModel(config);
      expect(parameterCount(config)).toBe(countParameters(model));
      model.dispose();
    }
  });

  it("refuses featureSize without input features and input features without featureSize", () => {
    expect(() => parseModelConfig({ ...SMALL_PRESET, featureSize: 28 })).toThrow(/featureSize is only allowed/);
    const { featureSize: _, ...withoutSize } = CONDUCTOR_PRESET;
    expect(() => parseModelConfig(withoutSize)).toThrow(/featureSize is required/);
  });
});

describe("Conductor (createConductor / loadConductor)", () => {
  it("predicts [10][28] raw frames from [20][28] raw frames, in the raw feature space", async () => {
    const model = buildModel(CONDUCTOR_PRESET);
    seedWeights(model, 1, { zero: initialZeros(CONDUCTOR_PRESET) });
    const conductor = createConductor({ model, config: CONDUCTOR_PRESET, meta: conductorMeta(CONDUCTOR_PRESET) });
    expect(conductor).toMatchObject({ contextFrames: 20, horizonFrames: 10, featureSize: 28, backend: "cpu" });
    const context = rawContext(FEATURE_SIZE);
    const predicted = await conductor.predict(context);
    expect(predicted).toHaveLength(10);
    // an untrained conductor predicts the context mean, so standardising and back must land on it in raw units
    const mean = Array.from({ length: FEATURE_SIZE }, (_, d) => context.reduce((s, f) => s + f[d]!, 0) / 20);
    for (const frame of predicted)
      frame.forEach((v, d) => {
        expect(v).toBeCloseTo(mean[d]!, 4);
      });
    await expect(conductor.predict(context.slice(1))).rejects.toThrow(/reads 20 frames; got 19/);
    await expect(conductor.predict([...context.slice(1), new Float32Array(5)])).rejects.toThrow(/28 values, got 5/);
    model.dispose();
  });

  it("round-trips through save -> load with identical predictions, and modelKind tells it from a predictor", async () => {
    const model = buildModel(CONDUCTOR_PRESET);
    seedWeights(model, 7); // every layer random, so the round trip is tested on non-trivial weights
    const before = await createConductor({
      model,
      config: CONDUCTOR_PRESET,
      meta: conductorMeta(CONDUCTOR_PRESET),
    }).predict(rawContext(FEATURE_SIZE));
    await saveModel(model, dir, conductorMeta(CONDUCTOR_PRESET));
    model.dispose();
    expect(await modelKind(dir)).toBe("conductor");
    const conductor = await loadConductor(dir, "cpu");
    const after = await conductor.predict(rawContext(FEATURE_SIZE));
    after.forEach((frame, t) => {
      expect(Array.from(frame)).toEqual(Array.from(before[t]!));
    });

    const loaded = await loadModel(dir);
    expect(() => createPredictor(loaded)).toThrow(/it is a conductor, not a predictor/);
    loaded.model.dispose();
  });

  it("refuses an audio model, a conductor of another feature version, and a conductor without its standardisation", async () => {
    const config = { ...SMALL_PRESET, sampleRate: 16, hiddenUnits: [4] };
    const audio = buildModel(config);
    expect(() => createConductor({ model: audio, config, meta: makeMeta(config) })).toThrow(
      /it is a predictor, not a conductor/,
    );
    await saveModel(audio, dir, makeMeta(config));
    expect(await modelKind(dir)).toBe("predictor");
    audio.dispose();

    const model = buildModel(CONDUCTOR_PRESET);
    const old = {
      ...conductorMeta(CONDUCTOR_PRESET),
      features: { version: "second-frames-v0", standardisation: standardisation(FEATURE_SIZE) },
    };
    expect(() => createConductor({ model, config: CONDUCTOR_PRESET, meta: old })).toThrow(
      /trained on features "second-frames-v0"/,
    );
    await expect(saveModel(model, dir, makeMeta(CONDUCTOR_PRESET))).rejects.toThrow(/needs features.standardisation/);
    model.dispose();
  });

  it("leaks no tensor over repeated predict calls", async () => {
    const model = buildModel(CONDUCTOR_PRESET);
    const conductor = createConductor({ model, config: CONDUCTOR_PRESET, meta: conductorMeta(CONDUCTOR_PRESET) });
    const context = rawContext(FEATURE_SIZE);
    await conductor.predict(context); // warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await conductor.predict(context);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

import * as tf from "@tensorflow/tfjs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HarmonizerInputError } from "../../../engine/errors.ts";
import { selectBackend } from "../../../engine/model/backend.ts";
import { buildModel } from "../../../engine/model/build.ts";
import type { ModelConfig } from "../../../engine/model/config.ts";
import { loadModel, makeMeta, saveModel } from "../../../engine/model/io.ts";
import { createPredictor } from "../../../engine/model/predictor.ts";

const config: ModelConfig = {
  sampleRate: 64,
  encoderSteps: 20,
  decoderSteps: 10,
  hiddenUnits: [8, 16],
  relationAlpha: 0.4,
  hiddenAlpha: 0.3,
  shareWeights: true,
};

const context = Float32Array.from({ length: 20 * 64 }, (_, i) => 0.3 * Math.sin(i / 5));

let dir: string;
beforeAll(async () => {
  await selectBackend("cpu");
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-model-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("saveModel / loadModel", () => {
  it("round-trips through model.json + weight shards with identical predictions", async () => {
    const model = buildModel(config);
    const before = await createPredictor({ model, config, meta: makeMeta(config) }).predict(context);
    await saveModel(model, dir, makeMeta(config, { preset: "tiny" }), { maxShardBytes: 4096 });

    const files = await readdir(dir);
    expect(files).toContain("model.json");
    expect(files).toContain("harmonizer.json");
    expect(files.filter((f) => f.endsWith(".bin")).length).toBeGreaterThan(1);

    const loaded = await loadModel(dir);
    expect(loaded.config).toEqual(config);
    expect(loaded.meta.preset).toBe("tiny");
    const after = await createPredictor(loaded).predict(context);
    expect(Array.from(after)).toEqual(Array.from(before));
    model.dispose();
    loaded.model.dispose();
  });

  it("says how to get a model when the folder or its model.json is missing", async () => {
    const missing = path.join(dir, "nope");
    await expect(loadModel(missing)).rejects.toMatchObject({ code: "MODEL_NOT_FOUND" });
    await expect(loadModel(dir)).rejects.toThrow(/harmonizer train --data DIR.*--model DIR/);
  });

  it("rejects unreadable files as INVALID_MODEL", async () => {
    await writeFile(path.join(dir, "model.json"), "{ not json");
    await writeFile(path.join(dir, "harmonizer.json"), JSON.stringify(makeMeta(config)));
    const error = await loadModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarmonizerInputError);
    expect(error).toMatchObject({ code: "INVALID_MODEL" });
  });

  it("rejects a model whose shapes disagree with harmonizer.json", async () => {
    const model = buildModel(config);
    await saveModel(model, dir, makeMeta({ ...config, sampleRate: 128 }));
    await expect(loadModel(dir)).rejects.toMatchObject({ code: "INVALID_MODEL" });
    model.dispose();
  });
});

describe("createPredictor", () => {
  it("predicts horizonSeconds of audio at the model rate and leaks no tensors", async () => {
    const model = buildModel(config);
    const predictor = createPredictor({ model, config, meta: makeMeta(config) });
    expect(predictor).toMatchObject({ sampleRate: 64, contextSeconds: 20, horizonSeconds: 10, backend: "cpu" });
    await predictor.predict(context); // first call may create lazily-built state
    const tensorsBefore = tf.memory().numTensors;
    const out = await predictor.predict(context);
    await predictor.predict(new Float32Array(context.length)); // digital silence too
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(out).toHaveLength(10 * 64);
    expect(out.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it("undoes the normalisation gain: a louder context gives a proportionally louder prediction", async () => {
    const model = buildModel(config);
    const predictor = createPredictor({ model, config, meta: makeMeta(config) });
    const quiet = await predictor.predict(context);
    const loud = await predictor.predict(context.map((x) => x * 2));
    quiet.forEach((q, i) => {
      expect(loud[i]!).toBeCloseTo(2 * q, 5);
    });
    model.dispose();
  });

  it("refuses a context of the wrong length", async () => {
    const model = buildModel(config);
    await expect(
      createPredictor({ model, config, meta: makeMeta(config) }).predict(new Float32Array(100)),
    ).rejects.toThrow(/1280 samples; got 100/);
    model.dispose();
  });
});

import * as tf from "@tensorflow/tfjs";
import { mkdir, mkdtemp, readdir, readFile, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import { buildModel } from "../../../engine/model/build.ts";
import { fileSystemHandler, loadModel, makeMeta, saveModel } from "../../../engine/model/io.ts";
import { loadLayersModelByWeight } from "../../../engine/model/stream-load.ts";
import { saveLayersModelByWeight } from "../../../engine/model/stream-save.ts";
import { maxDifference, seedShaped } from "./seed-shaped.ts";

/** The seed's graph, interleaved, at 32 Hz. */
const config = seedShaped("interleaved");

const context = tf.tidy(() => tf.sin(tf.range(0, 20 * 32).div(3)).reshape([1, 20, 32]));
const predict = (model: tf.LayersModel): Float32Array =>
  tf.tidy(() => (model.predict(context) as tf.Tensor).dataSync() as Float32Array);
const weightValues = (model: tf.LayersModel): number[][] => model.getWeights().map((w) => Array.from(w.dataSync()));

let root: string;
let saved: tf.LayersModel;

beforeAll(async () => {
  await selectBackend("wasm");
  root = await mkdtemp(path.join(tmpdir(), "harmonizer-stream-load-"));
  saved = buildModel(config);
  // shards of 1000 bytes: most weights straddle two or more shards
  await saveModel(saved, path.join(root, "small-shards"), makeMeta(config), { maxShardBytes: 1000 });
  await saveModel(saved, path.join(root, "one-shard"), makeMeta(config));
});

afterAll(async () => {
  saved.dispose();
  await rm(root, { recursive: true, force: true });
});

describe("loadModel, one weight at a time", () => {
  it.each(["small-shards", "one-shard"])("gives the saved model's weights and predictions (%s)", async (name) => {
    const dir = path.join(root, name);
    const { model } = await loadModel(dir);
    const modelJson = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8"));
    const byWeight = await loadLayersModelByWeight(dir, modelJson);
    const reference = await tf.loadLayersModel(fileSystemHandler(dir));
    expect(byWeight).toBeDefined();
    expect(weightValues(byWeight!)).toEqual(weightValues(reference));
    expect(weightValues(model)).toEqual(weightValues(reference));
    expect(maxDifference(predict(model), predict(saved))).toBeLessThanOrEqual(1e-6);
    expect(predict(model).some((v) => v !== 0)).toBe(true);
    model.dispose();
    byWeight?.dispose();
    reference.dispose();
  });

  it("leaves random initialisation as it was and saves the same topology again", async () => {
    const dir = path.join(root, "one-shard");
    const { model } = await loadModel(dir);
    const again = path.join(root, "saved-again");
    await saveModel(model, again, makeMeta(config));
    const topology = async (d: string) => JSON.parse(await readFile(path.join(d, "model.json"), "utf8")).modelTopology;
    expect(await topology(again)).toEqual(await topology(dir));
    // a model read from a topology later (e.g. tf.models.modelFromJSON) initialises Dense kernels at random again
    const registered = tf.serialization.SerializationMap.getMap().classNameMap.VarianceScaling?.[0];
    expect(registered).toBe(tf.initializers.varianceScaling({}).constructor);
    model.dispose();
  });

  it("refuses a model whose shards end early, naming the model", async () => {
    const dir = path.join(root, "cut");
    await saveModel(saved, dir, makeMeta(config), { maxShardBytes: 1000 });
    const shards = (await readdir(dir)).filter((f) => f.endsWith(".bin")).sort();
    await truncate(path.join(dir, shards.at(-1)!), 10);
    await expect(loadModel(dir)).rejects.toThrow(new RegExp(`cannot read the model in ${dir}`));
  });
});

describe("saveModel, one weight at a time", () => {
  it.each([1000, 64 * 1024 * 1024])(
    "writes the same files as TF.js's model.save (shards of %i bytes)",
    async (shardBytes) => {
      const ours = path.join(root, `ours-${shardBytes}`);
      const theirs = path.join(root, `theirs-${shardBytes}`);
      await mkdir(ours);
      expect(await saveLayersModelByWeight(saved, ours, shardBytes, "model.json")).toBe(true);
      await saved.save(fileSystemHandler(theirs, shardBytes), { includeOptimizer: false });
      const files = (await readdir(theirs)).sort();
      expect(files.length).toBeGreaterThan(1);
      expect((await readdir(ours)).sort()).toEqual(files);
      for (const file of files) {
        expect(Buffer.compare(await readFile(path.join(ours, file)), await readFile(path.join(theirs, file)))).toBe(0);
      }
    },
  );
});

import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import { relationLayout } from "../../../engine/model/config.ts";
import { loadModel } from "../../../engine/model/io.ts";
import { importKerasModel, importKerasToDir } from "../../../engine/model/keras/import.ts";
import { createPredictor } from "../../../engine/model/predictor.ts";
import { runHarmonizer } from "../../support/cli.ts";

/**
 * The reference fixture made by scripts/keras-fixture/make-fixture.sh: the seed's Keras model at 16 Hz with hidden
 * widths 2/4/8/16 (its 20 -> 10 graph unchanged), after one Adam step (so the file holds the optimizer's state, as the
 * seed's ModelCheckpoint file does), Keras's outputs for a fixed input, and the same model through tensorflowjs_converter.
 */
const FIXTURE = path.resolve(import.meta.dirname, "../../fixtures/keras");

interface Facts {
  sampleRate: number;
  hiddenUnits: number[];
  encoderSteps: number;
  decoderSteps: number;
  inputShape: [number, number, number];
  parameters: number;
}

const readF32 = async (file: string): Promise<Float32Array> => {
  const bytes = await readFile(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

let work: string;
let h5: string;
let converted: string;
let facts: Facts;
let input: Float32Array;
let expected: Float32Array;

beforeAll(async () => {
  await selectBackend("cpu");
  work = await mkdtemp(path.join(tmpdir(), "harmonizer-keras-"));
  // Stored gzipped: HDF5's per-layer headers make the 20 KB of weights a 3 MB file.
  h5 = path.join(work, "seed.h5");
  await writeFile(h5, gunzipSync(await readFile(path.join(FIXTURE, "seed.h5.gz"))));
  converted = path.join(work, "tfjs");
  await cp(path.join(FIXTURE, "tfjs"), converted, { recursive: true });
  await writeFile(
    path.join(converted, "model.json"),
    gunzipSync(await readFile(path.join(converted, "model.json.gz"))),
  );
  facts = JSON.parse(await readFile(path.join(FIXTURE, "fixture.json"), "utf8")) as Facts;
  input = await readF32(path.join(FIXTURE, "input.f32"));
  expected = await readF32(path.join(FIXTURE, "expected.f32"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Largest |project - Keras| over every example of the fixed input, predicted through the model dir's Predictor. */
async function largestDifference(modelDir: string): Promise<{ difference: number; peak: number }> {
  const loaded = await loadModel(modelDir);
  const predictor = createPredictor(loaded);
  const [batch, steps, width] = facts.inputShape;
  const outLength = facts.decoderSteps * width;
  let difference = 0;
  for (let b = 0; b < batch; b++) {
    const predicted = await predictor.predict(input.subarray(b * steps * width, (b + 1) * steps * width));
    predicted.forEach((v, i) => {
      difference = Math.max(difference, Math.abs(v - expected[b * outLength + i]!));
    });
  }
  loaded.model.dispose();
  return { difference, peak: Math.max(...expected.map(Math.abs)) };
}

describe("import-keras", () => {
  it("imports the seed's Keras .h5 and predicts Keras's outputs to within 1e-6 (measured 8.9e-8: float32 rounding)", async () => {
    const out = path.join(work, "from-h5");
    const summary = await importKerasToDir(h5, out);
    expect(summary.parameters).toBe(facts.parameters);
    const { difference, peak } = await largestDifference(out);
    expect(peak).toBeGreaterThan(0.05); // a fixture whose outputs are all near 0 would prove nothing
    expect(difference).toBeLessThan(1e-6);

    const { meta, model } = await loadModel(out);
    model.dispose();
    expect(meta.normalisation).toBe("none");
    expect(relationLayout(meta.config)).toBe("interleaved");
    expect(meta.config).toMatchObject({ sampleRate: facts.sampleRate, hiddenUnits: facts.hiddenUnits });
    expect(meta.config).toMatchObject({ relationAlpha: 0.4, hiddenAlpha: 0.3, shareWeights: false });
    expect(meta.imported).toEqual({ from: "seed.h5", format: "keras-hdf5" });
  });

  it("imports the same model from tensorflowjs_converter's output folder to the same outputs", async () => {
    const out = path.join(work, "from-tfjs");
    await importKerasToDir(converted, out);
    expect((await largestDifference(out)).difference).toBeLessThan(1e-6);
    expect((await loadModel(out)).meta.imported?.format).toBe("tensorflowjs-converter");
  });

  it("the CLI refuses an --out that holds a model unless --force, and then says it replaced it", async () => {
    const out = path.join(work, "cli");
    await importKerasToDir(h5, out);
    const written = (await stat(path.join(out, "model.json"))).mtimeMs;

    const refused = await runHarmonizer(["import-keras", h5, "--out", out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds a model .*pass --force/);
    expect((await stat(path.join(out, "model.json"))).mtimeMs).toBe(written);

    const forced = await runHarmonizer(["import-keras", h5, "--out", out, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/replaced the model in .* \(3 files removed\)/);
    expect(forced.stdout).toMatch(/imported .*seed\.h5 -> .*: 19,600 parameters, 16 Hz, 20 -> 10 frames/);
    expect((await stat(path.join(out, "model.json"))).mtimeMs).toBeGreaterThan(written);
  });
});

describe("import-keras refuses what is not the seed's Keras model", () => {
  it("a file that is not HDF5, naming it", async () => {
    const notes = path.join(work, "notes.h5");
    await writeFile(notes, "just text, not a model\n");
    await expect(importKerasModel(notes)).rejects.toThrow(/notes\.h5 is not an HDF5 file/);
  });

  it("an HDF5 file that is not a Keras model, saying what is missing", async () => {
    const other = path.join(work, "measurements.h5");
    await h5wasm.ready;
    const file = new h5wasm.File(other, "w");
    file.create_dataset({ name: "samples", data: new Float32Array([0.1, 0.2]) });
    file.close();
    await expect(importKerasModel(other)).rejects.toThrow(/measurements\.h5: no model_config attribute/);
  });

  /** A copy of the converter folder with its model.json changed by `edit`. */
  async function editedConverterDir(name: string, edit: (json: ConverterJson) => void): Promise<string> {
    const dir = path.join(work, name);
    await cp(converted, dir, { recursive: true });
    const json = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8")) as ConverterJson;
    edit(json);
    await writeFile(path.join(dir, "model.json"), JSON.stringify(json));
    return dir;
  }

  it("a weight of the wrong shape, naming the layer and the shape expected", async () => {
    const dir = await editedConverterDir("wrong-shape", (json) => {
      const kernel = json.weightsManifest[0]!.weights.find((w) => w.name === "encoder_dense_2_unit_3/kernel")!;
      kernel.shape = [4, 2]; // was [2, 4]: same size, so only the shape check can catch it
    });
    await expect(importKerasModel(dir)).rejects.toThrow(
      /layer "encoder_dense_2_unit_3" weight encoder_dense_2_unit_3\/kernel has shape \[4,2\], expected \[2,4\]/,
    );
  });

  it("a graph with a unit fewer than its weights, counting the weighted layers left over", async () => {
    const dir = await editedConverterDir("unit-missing", (json) => {
      json.modelTopology.model_config.config.output_layers.pop();
    });
    await expect(importKerasModel(dir)).rejects.toThrow(
      /10 layer\(s\) with weights are not part of the seed's architecture .*the seed has 300 weighted layers/,
    );
  });

  it("a graph whose unit reads other frames than the seed's, naming the unit", async () => {
    const dir = await editedConverterDir("rewired", (json) => {
      const layers = json.modelTopology.model_config.config.layers;
      const concat = layers.find((l) => l.name === "encoder_rel_nn_concatenate_1_unit_2")!;
      concat.inbound_nodes[0]!.reverse(); // [X2, S1, S0] instead of [S0, S1, X2]
    });
    await expect(importKerasModel(dir)).rejects.toThrow(
      /not the seed's architecture: no Concatenate of .* unit encoder_2/,
    );
  });
});

interface ConverterJson {
  modelTopology: {
    model_config: { config: { layers: { name: string; inbound_nodes: unknown[][] }[]; output_layers: unknown[] } };
  };
  weightsManifest: { weights: { name: string; shape: number[] }[] }[];
}

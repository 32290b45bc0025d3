import * as tf from "@tensorflow/tfjs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import { buildModel, describeModel } from "../../../engine/model/build.ts";
import { type ModelConfig, relationLayout } from "../../../engine/model/config.ts";
import { loadModel, makeMeta, saveModel } from "../../../engine/model/io.ts";
import { CONDUCTOR_PRESET, SEED_PRESET, SMALL_PRESET } from "../../../engine/model/presets.ts";

const tiny = (overrides: Partial<ModelConfig> = {}): ModelConfig => ({
  sampleRate: 4,
  encoderSteps: 2,
  decoderSteps: 1,
  hiddenUnits: [3],
  relationAlpha: 0.4,
  hiddenAlpha: 0.3,
  shareWeights: false,
  ...overrides,
});

/** [1, 2, 4]: X0 = 1..4, X1 = 5..8. */
const twoFrames = (): tf.Tensor3D =>
  tf.tensor3d([
    [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ],
  ]);

/** The model's values at a layer's output for the two-frame input. */
function valuesAt(model: tf.LayersModel, layer: string): number[] {
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output as tf.SymbolicTensor });
  return tf.tidy(() => Array.from((probe.predict(twoFrames()) as tf.Tensor).dataSync()));
}

const leaky = (v: number): number => (v >= 0 ? v : 0.4 * v);

let dir: string;
beforeAll(async () => {
  await selectBackend("cpu");
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-layout-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("relationLayout", () => {
  it("interleaved: the relation step reads [S0, X1] concatenated and reshaped to [W, 2], as the seed's Keras Reshape", () => {
    const model = buildModel(tiny({ relationLayout: "interleaved" }));
    model.getLayer("encoder_1_relation").setWeights([tf.tensor2d([[1], [10]]), tf.tensor1d([0])]);
    const joined = [...valuesAt(model, "encoder_0_output"), 5, 6, 7, 8]; // [S0 | X1], 8 values
    // Row j of the [4, 2] matrix is values 2j and 2j+1 of the concatenation.
    const expected = [0, 1, 2, 3].map((j) => leaky(joined[2 * j]! + 10 * joined[2 * j + 1]!));
    const actual = valuesAt(model, "encoder_1_relation_flat");
    actual.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 4);
    });
    model.dispose();
  });

  it("interleaved and columns have the same weights but compute different functions", () => {
    const columns = buildModel(tiny({ relationLayout: "columns" }));
    const interleaved = buildModel(tiny({ relationLayout: "interleaved" }));
    expect(interleaved.countParams()).toBe(columns.countParams());
    interleaved.setWeights(columns.getWeights());
    const a = valuesAt(columns, "encoder_1_relation_flat");
    const b = valuesAt(interleaved, "encoder_1_relation_flat");
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeGreaterThan(1e-3);
    columns.dispose();
    interleaved.dispose();
  });

  it("the seed preset interleaves as the seed's Keras code; small and the conductor stack columns", () => {
    expect(relationLayout(SEED_PRESET)).toBe("interleaved");
    expect(relationLayout(SMALL_PRESET)).toBe("columns");
    expect(relationLayout(CONDUCTOR_PRESET)).toBe("columns");
    expect(describeModel(SEED_PRESET).summary.join("\n")).toMatch(/interleaved frames/);
    expect(describeModel(SMALL_PRESET).summary.join("\n")).toMatch(/frames stacked as columns/);
  });

  it("a model saved before the field existed loads, and its config means columns", async () => {
    const config = tiny({ encoderSteps: 3, decoderSteps: 2, sampleRate: 8 });
    const model = buildModel(config);
    await saveModel(model, dir, makeMeta(config));
    const metaFile = path.join(dir, "harmonizer.json");
    const meta = JSON.parse(await readFile(metaFile, "utf8")) as { config: Record<string, unknown> };
    expect(meta.config).not.toHaveProperty("relationLayout");
    await writeFile(metaFile, JSON.stringify(meta));

    const loaded = await loadModel(dir);
    expect(relationLayout(loaded.config)).toBe("columns");
    // Rebuilt from its config (as training resumes do) with the saved weights, it predicts what the saved model does.
    const rebuilt = buildModel(loaded.config);
    rebuilt.setWeights(loaded.model.getWeights());
    const input = tf.randomNormal([1, 3, 8], 0, 0.3, "float32", 7);
    const [saved, again] = [loaded.model, rebuilt].map((m) => m.predict(input) as tf.Tensor);
    expect(Array.from(again!.dataSync())).toEqual(Array.from(saved!.dataSync()));
    tf.dispose([input, saved!, again!]);
    [model, loaded.model, rebuilt].forEach((m) => {
      m.dispose();
    });
  });
});

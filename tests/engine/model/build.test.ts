import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import { buildModel, countParameters, describeModel, parameterCount } from "../../../engine/model/build.ts";
import { parseModelConfig, type ModelConfig } from "../../../engine/model/config.ts";
import { SEED_PRESET, SMALL_PRESET, presetConfig } from "../../../engine/model/presets.ts";

const tiny = (overrides: Partial<ModelConfig> = {}): ModelConfig => ({
  sampleRate: 64,
  encoderSteps: 20,
  decoderSteps: 10,
  hiddenUnits: [8, 16],
  relationAlpha: 0.4,
  hiddenAlpha: 0.3,
  shareWeights: false,
  ...overrides,
});

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("buildModel", () => {
  it("maps [batch, 20, sampleRate] context frames to [batch, 10, sampleRate] predicted frames", () => {
    const model = buildModel(tiny());
    expect(model.inputs[0]!.shape).toEqual([null, 20, 64]);
    expect(model.outputs[0]!.shape).toEqual([null, 10, 64]);
    const y = tf.tidy(() => model.predict(tf.randomNormal([3, 20, 64])) as tf.Tensor);
    expect(y.shape).toEqual([3, 10, 64]);
    y.dispose();
    model.dispose();
  });

  it("gives every one of the 31 units its own weights, or 3 shared units when shareWeights is set", () => {
    const own = buildModel(tiny());
    const shared = buildModel(tiny({ shareWeights: true }));
    const hiddenDenses = (m: tf.LayersModel) => m.layers.filter((l) => /_hidden0_dense$/.test(l.name)).length;
    expect(hiddenDenses(own)).toBe(31);
    expect(hiddenDenses(shared)).toBe(3);
    expect(countParameters(shared)).toBeLessThan(countParameters(own));
    own.dispose();
    shared.dispose();
  });

  it("has one relation Dense(1) per step with w+1 weights (w = frames stacked), 318 in all as in the seed", () => {
    const model = buildModel(tiny());
    const relation = model.layers.filter((l) => l.name.endsWith("_relation"));
    expect(relation).toHaveLength(31);
    expect(relation.reduce((sum, l) => sum + l.countParams(), 0)).toBe(318);
    expect(model.getLayer("encoder_0_relation").countParams()).toBe(3); // [X0, X0]
    expect(model.getLayer("encoder_5_relation").countParams()).toBe(7); // [S0..S4, X5]
    expect(model.getLayer("context_relation").countParams()).toBe(21); // [S0..S19]
    expect(model.getLayer("decoder_9_relation").countParams()).toBe(11); // [D0..D8, C]
    model.dispose();
  });

  it("stacks frames as columns: the relation step combines the frames at each sample position", () => {
    // One encoder step, one hidden unit: make the relation an exact per-sample sum and check it with a probe model.
    const config = tiny({ encoderSteps: 2, decoderSteps: 1, sampleRate: 4 });
    const model = buildModel(config);
    const relation = model.getLayer("encoder_1_relation");
    relation.setWeights([tf.tensor2d([[1], [10]]), tf.tensor1d([0])]);
    const probe = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer("encoder_1_relation_flat").output as tf.SymbolicTensor,
    });
    const s0 = tf.tidy(
      () =>
        tf
          .model({ inputs: model.inputs, outputs: model.getLayer("encoder_0_output").output as tf.SymbolicTensor })
          .predict(
            tf.tensor3d([
              [
                [1, 2, 3, 4],
                [5, 6, 7, 8],
              ],
            ]),
          ) as tf.Tensor,
    );
    const out = tf.tidy(
      () =>
        probe.predict(
          tf.tensor3d([
            [
              [1, 2, 3, 4],
              [5, 6, 7, 8],
            ],
          ]),
        ) as tf.Tensor,
    );
    const s0Values = Array.from(s0.dataSync());
    const expected = [5, 6, 7, 8].map((x, i) => {
      const v = s0Values[i]! + 10 * x;
      return v >= 0 ? v : 0.4 * v;
    });
    Array.from(out.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 4);
    });
    tf.dispose([s0, out]);
    model.dispose();
  });

  it("computes the parameter count from the config alone, equal to the built model's", () => {
    for (const config of [
      tiny(),
      tiny({ shareWeights: true }),
      tiny({ shareWeights: true, normalization: "layer" }),
      tiny({ normalization: "layer" }),
      tiny({ encoderSteps: 3, decoderSteps: 2, hiddenUnits: [5] }),
    ]) {
      const model = buildModel(config);
      expect(parameterCount(config)).toBe(countParameters(model));
      model.dispose();
    }
  });
});

describe("presets and describeModel", () => {
  it("describes the seed preset with the seed's 399,890,460 parameters (docs/model.md) and 31 units without building it", () => {
    const description = describeModel(SEED_PRESET, "seed");
    expect(description.parameters).toBe(399_890_460);
    expect(description.units).toBe(31);
    expect(description.summary.join("\n")).toMatch(/399,890,460 parameters/);
    expect(description.summary.join("\n")).toMatch(/22050 Hz/);
  });

  it("documents the small preset's exact size", () => {
    expect(describeModel(SMALL_PRESET, "small").parameters).toBe(7_069_662);
    expect(countParameters(buildModel(SMALL_PRESET))).toBe(7_069_662);
    expect(presetConfig("small")).toBe(SMALL_PRESET);
    expect(() => presetConfig("huge")).toThrow(/unknown model preset "huge".*seed, small/);
  });

  it("rejects an invalid config, naming the field", () => {
    expect(() => parseModelConfig({ ...tiny(), sampleRate: -1 })).toThrow(/sampleRate/);
    expect(() => parseModelConfig({ ...tiny(), hiddenUnits: [] })).toThrow(/hiddenUnits/);
  });
});

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import { loadConductor } from "../../../engine/model/conductor.ts";
import { checkedForwardPass } from "../../../engine/model/forward.ts";
import { loadModel } from "../../../engine/model/io.ts";
import { checkedPlainForwardPass, plainForwardPass } from "../../../engine/model/plain-forward.ts";
import { destandardise, standardiseInto, type Standardisation } from "../../../engine/model/standardise.ts";
import { restoreWasmKernels } from "../../../engine/model/wasm-kernels.ts";

const CONDUCTOR = new URL("../../../models/conductor", import.meta.url).pathname;

/** A deterministic stream of values in [-1, 1). */
function values(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state / 2147483647) * 2 - 1;
  };
}

beforeAll(async () => {
  expect(await selectBackend("wasm")).toBe("wasm");
});

describe("the conductor's forward pass in plain float32 arithmetic", () => {
  it("gives the WASM backend's output to the last bit on 300 contexts of every scale", async () => {
    const { model } = await loadModel(CONDUCTOR);
    restoreWasmKernels(); // the backend's own kernels
    const forward = checkedForwardPass(model)!;
    const plain = plainForwardPass(model)!;
    expect(plain).toBeDefined();
    const next = values(7);
    for (let n = 0; n < 300; n++) {
      const scale = [0.001, 0.1, 1, 3, 30, 1000][n % 6]!;
      const x = Float32Array.from({ length: 20 * 28 }, () => next() * scale);
      const expected = tf.tidy(() => forward(tf.tensor3d(x, [1, 20, 28])).dataSync());
      const got = plain(x);
      expect(got.length).toBe(expected.length);
      const differing = Array.from(got).filter((v, i) => !Object.is(v, expected[i])).length;
      expect(differing, `context ${n} (scale ${scale})`).toBe(0);
    }
    model.dispose();
  });

  it("is what the shipped conductor predicts with on WASM: the predictions of TF.js's kernels", async () => {
    const conductor = await loadConductor(CONDUCTOR, "wasm");
    const { model, meta } = await loadModel(CONDUCTOR);
    const standardisation = meta.features!.standardisation as Standardisation;
    const next = values(11);
    const before = tf.memory().numTensors;
    for (let n = 0; n < 40; n++) {
      const context = Array.from({ length: 20 }, () =>
        Float32Array.from({ length: 28 }, (_, d) => standardisation.mean[d]! + next() * 3 * standardisation.std[d]!),
      );
      const x = new Float32Array(20 * 28);
      context.forEach((frame, t) => {
        standardiseInto(frame, standardisation, x, t * 28);
      });
      const y = tf.tidy(() => (model.apply(tf.tensor3d(x, [1, 20, 28]), { training: false }) as tf.Tensor).dataSync());
      const expected = Array.from({ length: 10 }, (_, t) => destandardise(y, standardisation, t * 28));
      expect(await conductor.predict(context)).toEqual(expected);
    }
    // no tensors made, none left behind
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("is refused when its output differs from the backend's in one bit", async () => {
    const { model } = await loadModel(CONDUCTOR);
    const forward = checkedForwardPass(model)!;
    expect(checkedPlainForwardPass(model, forward)).toBeDefined();
    const nudged = (x: tf.Tensor) =>
      tf.tidy(() => {
        const y = forward(x).dataSync().slice();
        y[17] = y[17]! + Math.abs(y[17]!) * 2 ** -20;
        return tf.tensor(y, [1, 10, 28]);
      });
    expect(checkedPlainForwardPass(model, nudged)).toBeUndefined();
    model.dispose();
  });

  it("does not walk a layer or a setting it does not know", () => {
    const dense = (
      activation: "relu" | "linear",
      layer: tf.layers.Layer = tf.layers.dense({ units: 3, activation }),
    ) => {
      const input = tf.input({ shape: [4] });
      return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    };
    const linear = dense("linear");
    expect(plainForwardPass(linear)).toBeDefined();
    const relu = dense("relu");
    expect(plainForwardPass(relu)).toBeUndefined();
    const dropout = dense("linear", tf.layers.dropout({ rate: 0.5 }));
    expect(plainForwardPass(dropout)).toBeUndefined();
    for (const model of [linear, relu, dropout]) model.dispose();
  });
});

import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import { checkedForwardPass, forwardPass } from "../../../engine/model/forward.ts";
import { loadModel } from "../../../engine/model/io.ts";

const CONDUCTOR = new URL("../../../models/conductor", import.meta.url).pathname;

describe("the forward pass without apply()", () => {
  it.each(["wasm", "cpu"] as const)(
    "predicts what the shipped conductor's apply() predicts, to the last bit, and releases its tensors (%s)",
    async (backend) => {
      expect(await selectBackend(backend)).toBe(backend);
      const { model } = await loadModel(CONDUCTOR);
      const forward = checkedForwardPass(model);
      expect(forward).toBeDefined();
      const before = tf.memory().numTensors;
      for (const seed of [1, 2, 3]) {
        const x = tf.tensor3d(
          Float32Array.from({ length: 20 * 28 }, (_, i) => Math.sin(seed * i * 0.91) * 2.5),
          [1, 20, 28],
        );
        const applied = model.apply(x, { training: false }) as tf.Tensor;
        const direct = forward!(x);
        expect(direct.shape).toEqual(applied.shape);
        expect(Array.from(direct.dataSync())).toEqual(Array.from(applied.dataSync()));
        tf.dispose([x, applied, direct]);
      }
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    },
  );

  it("does not walk a model of two inputs", () => {
    const a = tf.input({ shape: [3] });
    const b = tf.input({ shape: [3] });
    const model = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
    expect(forwardPass(model)).toBeUndefined();
    expect(checkedForwardPass(model)).toBeUndefined();
    model.dispose();
  });
});

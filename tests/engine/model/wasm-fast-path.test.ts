import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import { buildModel } from "../../../engine/model/build.ts";
import { checkedForwardPass } from "../../../engine/model/forward.ts";
import { loadModel, makeMeta } from "../../../engine/model/io.ts";
import { createPredictor } from "../../../engine/model/predictor.ts";
import { restoreWasmKernels, useWasmCopyKernels, useWasmFastKernels } from "../../../engine/model/wasm-kernels.ts";
import { maxDifference, seedShaped } from "./seed-shaped.ts";

beforeAll(async () => {
  expect(await selectBackend("wasm")).toBe("wasm");
});

describe("the WASM prediction path", () => {
  it.each(["interleaved", "columns"] as const)(
    "predicts the same samples as the backend's own kernels (%s layout)",
    async (layout) => {
      const config = seedShaped(layout);
      const model = buildModel(config);
      const context = Float32Array.from({ length: 20 * 32 }, (_, i) => 0.5 * Math.sin(i / 3) + 0.1 * Math.cos(i / 11));
      const predictor = createPredictor({ model, config, meta: makeMeta(config) });
      const fast = await predictor.predict(context);
      restoreWasmKernels();
      const before = await predictor.predict(context);
      useWasmFastKernels();
      expect(fast).toHaveLength(10 * 32);
      expect(before.some((v) => v !== 0)).toBe(true);
      expect(maxDifference(fast, before)).toBeLessThanOrEqual(1e-6);
      model.dispose();
    },
  );

  it.each([
    [7, 10, true],
    [512, 22, true],
    [3, 5, false],
  ])("multiplies one row of %i by a %i-column matrix as the backend does (bias: %s)", (k, n, withBias) => {
    const a = tf.randomNormal([1, k], 0, 1, "float32", 3);
    const b = tf.randomNormal([k, n], 0, 1, "float32", 4);
    const bias = withBias ? tf.randomNormal([n], 0, 1, "float32", 5) : undefined;
    const product = () => tf.fused.matMul({ a, b, ...(bias === undefined ? {} : { bias }) });
    restoreWasmKernels();
    const before = product();
    useWasmFastKernels();
    const fast = product();
    const rows = tf.fused.matMul({ a: tf.concat([a, a]), b, ...(bias === undefined ? {} : { bias }) });
    expect(fast.shape).toEqual([1, n]);
    expect(maxDifference(fast.dataSync() as Float32Array, before.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-5);
    // two rows take the backend's own kernel: both rows equal the one-row product
    const twice = rows.dataSync() as Float32Array;
    expect(maxDifference(twice.subarray(n), before.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-5);
    tf.dispose([a, b, before, fast, rows, ...(bias === undefined ? [] : [bias])]);
  });

  it("slices rows, columns and blocks to the values a plain array gives", () => {
    useWasmFastKernels();
    const values = Array.from({ length: 3 * 4 * 5 }, (_, i) => i);
    const x = tf.tensor3d(values, [3, 4, 5]);
    const at = (i: number, j: number, k: number) => values[i * 20 + j * 5 + k]!;
    // contiguous: whole rows of the middle block
    expect(Array.from(tf.slice(x, [1, 1, 0], [1, 2, 5]).dataSync())).toEqual(
      [1, 2].flatMap((j) => [0, 1, 2, 3, 4].map((k) => at(1, j, k))),
    );
    // strided: a column through every block
    expect(Array.from(tf.slice(x, [0, 2, 3], [3, 1, 1]).dataSync())).toEqual([0, 1, 2].map((i) => at(i, 2, 3)));
    // after a heap growth between creating x and slicing it
    const big = tf.zeros([64 * 1024 * 1024]);
    expect(Array.from(tf.slice(x, [2, 3, 0], [1, 1, 5]).dataSync())).toEqual([0, 1, 2, 3, 4].map((k) => at(2, 3, k)));
    tf.dispose([x, big]);
  });

  it("joins tensors along every axis, of every numeric type, to the values the backend's own Concat gives", () => {
    const cases = [
      {
        shapes: [
          [28, 1],
          [28, 1],
        ],
        axis: -1,
      },
      {
        shapes: [
          [1, 28, 1],
          [1, 28, 1],
          [1, 28, 3],
        ],
        axis: 2,
      },
      {
        shapes: [
          [2, 3, 4],
          [5, 3, 4],
        ],
        axis: 0,
      },
      {
        shapes: [
          [2, 3, 4],
          [2, 1, 4],
          [2, 0, 4],
        ],
        axis: 1,
      },
      { shapes: [[6], [7]], axis: 0 },
    ];
    for (const dtype of ["float32", "int32", "bool"] as const) {
      for (const { shapes, axis } of cases) {
        const xs = shapes.map((shape, k) =>
          tf.tidy(() => tf.randomUniform(shape, -50, 50, "float32", k + 1).cast(dtype)),
        );
        restoreWasmKernels();
        const before = tf.concat(xs, axis);
        useWasmCopyKernels();
        // once, after a heap growth between making the inputs and joining them
        const big = dtype === "float32" && axis === -1 ? tf.zeros([64 * 1024 * 1024]) : undefined;
        const fast = tf.concat(xs, axis);
        expect(fast.shape).toEqual(before.shape);
        expect(fast.dtype).toBe(dtype);
        expect(Array.from(fast.dataSync())).toEqual(Array.from(before.dataSync()));
        tf.dispose([...xs, before, fast, ...(big ? [big] : [])]);
      }
    }
  });

  it("leaves the shipped conductor's predictions through TF.js the same to the last bit", async () => {
    // Through TF.js's kernels (the conductor itself predicts with plain-forward.ts on WASM, checked against these).
    const { model } = await loadModel(new URL("../../../models/conductor", import.meta.url).pathname);
    const forward = checkedForwardPass(model)!;
    const contexts = [3, 7].map((seed) =>
      Float32Array.from({ length: 20 * 28 }, (_, i) => Math.sin(seed * (Math.floor(i / 28) * 31 + (i % 28))) * 3),
    );
    const predictAll = () =>
      contexts.map((x) => tf.tidy(() => Array.from(forward(tf.tensor3d(x, [1, 20, 28])).dataSync())));
    restoreWasmKernels();
    const before = predictAll();
    useWasmCopyKernels();
    const fast = predictAll();
    expect(fast).toEqual(before);
    expect(before[0]!.some((v) => v !== 0)).toBe(true);
    model.dispose();
  });
});

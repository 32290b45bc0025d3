import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";

describe("selectBackend", () => {
  it("auto falls back from the missing tfjs-node-gpu addon to WASM and reports the backend in use", async () => {
    const backend = await selectBackend("auto");
    expect(backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(sum).toEqual([4, 6]);
  });

  it("names the backend and the reason when an explicit choice cannot load", async () => {
    await expect(selectBackend("tensorflow")).rejects.toThrow(
      /backend "tensorflow" is not available: .*tfjs_binding\.node/,
    );
  });

  it("switches to an explicit backend", async () => {
    expect(await selectBackend("cpu")).toBe("cpu");
    expect(await selectBackend("wasm")).toBe("wasm");
  });
});

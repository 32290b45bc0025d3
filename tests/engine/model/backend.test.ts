import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { AUTO_ORDER, type BackendName, selectBackend } from "../../../engine/model/backend.ts";

/** Whether the native tfjs-node-gpu addon loads on this machine (it does on a GPU worker, not on a laptop or in CI). */
const tensorflowLoads = await import("@tensorflow/tfjs-node-gpu" as string).then(
  () => true,
  () => false,
);

/** An activate that fails for the named backends and "activates" the others. */
const activateAllBut =
  (...broken: BackendName[]) =>
  async (name: BackendName): Promise<string> => {
    if (broken.includes(name)) throw new Error(`${name} addon missing`);
    return name;
  };

describe("selectBackend", () => {
  it("auto takes the first backend of tensorflow, wasm, cpu that initialises", async () => {
    expect(AUTO_ORDER).toEqual(["tensorflow", "wasm", "cpu"]);
    expect(await selectBackend("auto", activateAllBut())).toBe("tensorflow");
    expect(await selectBackend("auto", activateAllBut("tensorflow"))).toBe("wasm");
    expect(await selectBackend("auto", activateAllBut("tensorflow", "wasm"))).toBe("cpu");
    await expect(selectBackend("auto", activateAllBut("tensorflow", "wasm", "cpu"))).rejects.toThrow(
      "no TensorFlow.js backend could be initialised (tried tensorflow, wasm, cpu)",
    );
  });

  it("auto on this machine: tensorflow when the tfjs-node-gpu addon loads, else WASM, and it computes", async () => {
    const backend = await selectBackend("auto");
    expect(backend).toBe(tensorflowLoads ? "tensorflow" : "wasm");
    expect(tf.getBackend()).toBe(backend);
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(sum).toEqual([4, 6]);
  });

  it("names the backend and the reason when an explicit choice cannot load", async () => {
    await expect(selectBackend("wasm", activateAllBut("wasm"))).rejects.toThrow(
      'backend "wasm" is not available: wasm addon missing',
    );
    if (tensorflowLoads) expect(await selectBackend("tensorflow")).toBe("tensorflow");
    else {
      // No node_modules path or raw addon text: what is missing, where it lives, and what to use instead.
      const refusal = selectBackend("tensorflow");
      await expect(refusal).rejects.toThrow(
        /backend "tensorflow" is not available: .*tfjs-node-gpu.*Use --backend wasm/,
      );
      await expect(refusal).rejects.not.toThrow(/node_modules|\.node\b/);
    }
  });

  it("switches to an explicit backend", async () => {
    expect(await selectBackend("cpu")).toBe("cpu");
    expect(await selectBackend("wasm")).toBe("wasm");
  });
});

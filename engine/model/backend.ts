import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import path from "node:path";

export type BackendChoice = "auto" | "tensorflow" | "wasm" | "cpu";

export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "tensorflow", "wasm", "cpu"];

/** A backend that was asked for by name but cannot run here. */
export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
}

/** The order "auto" tries the backends in: the first that initialises is used. */
export const AUTO_ORDER = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof AUTO_ORDER)[number];

/**
 * Makes one TF.js backend current and returns the name of the backend actually in use.
 * auto: "tensorflow" (@tensorflow/tfjs-node-gpu, CUDA) if its native addon loads, else "wasm", else "cpu".
 * An explicit choice that cannot load throws BackendUnavailableError naming the backend and the reason.
 * `activate` makes one backend current (tests replace it to check the rule without the native addons).
 */
export async function selectBackend(
  choice: BackendChoice,
  activate: (name: BackendName) => Promise<string> = activateBackend,
): Promise<string> {
  tf.enableProdMode(); // no "install tfjs-node" banner, no debug-mode checks
  if (choice === "auto") {
    for (const candidate of AUTO_ORDER) {
      try {
        return await activate(candidate);
      } catch {
        // fall through to the next backend
      }
    }
    throw new BackendUnavailableError(`no TensorFlow.js backend could be initialised (tried ${AUTO_ORDER.join(", ")})`);
  }
  try {
    return await activate(choice);
  } catch (error) {
    const reason =
      choice === "tensorflow"
        ? "its native addon (@tensorflow/tfjs-node-gpu with CUDA libtensorflow) does not load here; it is built into the GPU worker image. Use --backend wasm, or auto"
        : error instanceof Error
          ? error.message.split("\n")[0]
          : String(error);
    throw new BackendUnavailableError(`backend "${choice}" is not available: ${reason}`, { cause: error });
  }
}

async function activateBackend(name: BackendName): Promise<string> {
  if (tf.getBackend() === name) return name;
  if (name === "tensorflow") await loadTensorflowBackend();
  if (name === "wasm") await registerWasmBackend();
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend("${name}") failed to initialise`);
  await tf.ready();
  return tf.getBackend();
}

/** @tensorflow/tfjs-node-gpu registers the "tensorflow" backend when its native addon (libtensorflow + CUDA) loads. */
async function loadTensorflowBackend(): Promise<void> {
  if (tf.findBackend("tensorflow") !== null) return;
  const moduleName = "@tensorflow/tfjs-node-gpu"; // a variable keeps bundlers and tsc from resolving the optional dependency
  // Required, not imported: importing CommonJS makes Node scan the package and all of TensorFlow.js it re-exports for
  // export names (about 0.2 s) before the missing addon fails it, on every machine without a GPU.
  createRequire(import.meta.url)(moduleName);
  if (tf.findBackend("tensorflow") === null)
    throw new Error(`${moduleName} loaded but registered no "tensorflow" backend`);
}

let wasmRegistered = false;

/** Registers the WASM backend, pointing it at the .wasm binaries inside node_modules. */
async function registerWasmBackend(): Promise<void> {
  if (wasmRegistered) return;
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  const binary = require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm");
  wasm.setWasmPaths(path.dirname(binary) + path.sep);
  wasmRegistered = true;
}

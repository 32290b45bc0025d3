import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * ebur128-wasm (the Rust `ebur128` crate compiled with wasm-bindgen) ships bundler-style glue that
 * imports the .wasm as an ES module, which Node 20 cannot load. This loads the .wasm directly,
 * synchronously on first use, and calls its exports the way the generated glue does.
 */
interface Ebur128Exports {
  readonly memory: { readonly buffer: ArrayBuffer };
  ebur128_integrated_mono(sampleRate: number, pointer: number, length: number): number;
  ebur128_integrated_stereo(
    sampleRate: number,
    left: number,
    leftLength: number,
    right: number,
    rightLength: number,
  ): number;
  /** Allocates `bytes` in wasm memory; the callee takes ownership of what is passed. */
  __wbindgen_malloc(bytes: number): number;
  __wbindgen_free(pointer: number, bytes: number): void;
}

/** The slice of the WebAssembly JS API used here (the project's `lib` has no DOM/WebAssembly typings). */
interface WasmModule {
  readonly __brand: "WasmModule";
}
type WasmImports = Record<string, Record<string, (...args: number[]) => unknown>>;
interface WasmApi {
  Module: { new (bytes: Uint8Array): WasmModule; imports(module: WasmModule): Array<{ module: string; name: string }> };
  Instance: new (module: WasmModule, imports: WasmImports) => { readonly exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let instance: Ebur128Exports | undefined;

/**
 * The wasm imports only serve Rust panics (console_error_panic_hook): build an Error, read its
 * stack, print the message. The stack is left empty; the panic message itself is printed.
 */
function panicHookImports(module: WasmModule, exports: () => Ebur128Exports): WasmImports {
  const functions: Record<string, (...args: number[]) => unknown> = {};
  for (const { module: moduleName, name } of Wasm.Module.imports(module)) {
    if (name.startsWith("__wbg_new_")) functions[name] = () => 0;
    else if (name.startsWith("__wbg_stack_")) {
      functions[name] = (resultPointer: number) => {
        new Int32Array(exports().memory.buffer, resultPointer, 2).fill(0);
      };
    } else if (name.startsWith("__wbg_error_")) {
      functions[name] = (pointer: number, length: number) => {
        console.error(new TextDecoder().decode(new Uint8Array(exports().memory.buffer, pointer, length)));
        exports().__wbindgen_free(pointer, length);
      };
    } else if (name === "__wbindgen_object_drop_ref") functions[name] = () => undefined;
    else {
      functions[name] = () => {
        throw new Error(`ebur128-wasm import ${moduleName}.${name} is not provided`);
      };
    }
  }
  const moduleName = Wasm.Module.imports(module)[0]?.module ?? "./ebur128_wasm_bg.js";
  return { [moduleName]: functions };
}

function load(): Ebur128Exports {
  if (instance !== undefined) return instance;
  const wasmPath = createRequire(import.meta.url).resolve("ebur128-wasm/ebur128_wasm_bg.wasm");
  const module = new Wasm.Module(readFileSync(wasmPath));
  let exports: Ebur128Exports | undefined;
  const created = new Wasm.Instance(
    module,
    panicHookImports(module, () => exports!),
  );
  exports = created.exports as Ebur128Exports;
  instance = exports;
  return exports;
}

function copyIn(wasm: Ebur128Exports, samples: Float32Array): number {
  const pointer = wasm.__wbindgen_malloc(samples.length * 4);
  new Float32Array(wasm.memory.buffer, pointer, samples.length).set(samples);
  return pointer;
}

/** BS.1770 / EBU R128 integrated loudness (LUFS) of one channel; -Infinity when every block is gated out. */
export function ebur128IntegratedMono(sampleRate: number, samples: Float32Array): number {
  const wasm = load();
  return wasm.ebur128_integrated_mono(sampleRate, copyIn(wasm, samples), samples.length);
}

/** BS.1770 / EBU R128 integrated loudness (LUFS) of a stereo pair. */
export function ebur128IntegratedStereo(sampleRate: number, left: Float32Array, right: Float32Array): number {
  const wasm = load();
  const leftPointer = copyIn(wasm, left);
  const rightPointer = copyIn(wasm, right);
  return wasm.ebur128_integrated_stereo(sampleRate, leftPointer, left.length, rightPointer, right.length);
}

/** The slice of the WebAssembly JS API used here (the project's `lib` has no WebAssembly typings). */
interface WasmApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
}

export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The exports of a module given as base64 (the hand-written .wat kernels, built into their .ts files). */
export function instantiateBase64(base64: string, imports: Record<string, Record<string, unknown>> = {}): unknown {
  return new Wasm.Instance(new Wasm.Module(Buffer.from(base64, "base64")), imports).exports;
}

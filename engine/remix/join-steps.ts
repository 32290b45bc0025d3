/**
 * The join search's inner loops (quiet-join.ts) in WebAssembly SIMD (join-steps.wat): the crossfaded join's samples
 * two at a time in float64 lanes, with the same operations in the same order as the JavaScript they stand in for, so
 * that every step, and so every shift chosen, is the same to the last bit (tests/engine/remix/quiet-join.test.ts
 * checks the search against a plain JavaScript one). Each pair's two windows of the input and the gains are copied
 * into the module's memory (a few tens of kB), not the whole input.
 */
const JOIN_STEPS_WASM =
  "AGFzbQEAAAABKwVgBH9/f3wAYAN/f38Be2AEf39/ewJ7e2AEf39/fwF8YAd/f39/f3x/AX8DBgUAAQIDBAUDAQABBhwEfwFBAAt/AUEAC38BQQALfAFEAAAAAAAAAAALBzEEBm1lbW9yeQIACHNldEdhaW5zAAALbGFyZ2VzdFN0ZXAAAwtnYXRoZXJTdGVwcwAECuYDBRIAIAAkACABJAEgAiQCIAMkAwt+AgF7AX8gAv0R/QwAAAAAAQAAAAAAAAAAAAAA/a4B/f4BIQMgAiMCakEDdCEEIwAgBGr9AAQAIAAgAkECdGr9XQMA/V8gAyMD/RT9Sf1O/fIBIwEgBGr9AAQAIAEgAkECdGr9XQMA/V8gAyMDmv0U/Uz9Tv3yAf3wAf1e/V8LMQEBeyAAIAEgAkEBahABIQQgBCADIAT9DQgJCgsMDQ4PEBESExQVFhf98QH97AEgBAt9AgF/A3sgACABIAJBAWsQASEFIAIhBAJAA0AgBEECaiADSg0BIAAgASAEIAUQAiEFIQYgByAG/fUBIQcgBEECaiEEDAALCyAEIANIBEAgACABIAQgBRACIQUhBiAHIAZEAAAAAAAAAAD9IgH99QEhBwsgB/0hACAH/SEBpQuhAQMBfwJ7AX8gACABIAJBAWsQASEIIAIhBwJAA0AgB0ECaiADSg0BIAogBkoNASAAIAEgByAIEAIhCCEJIAQgCf0LBAAgCiAJIAX9FP1L/cQBaWohCiAEQRBqIQQgB0ECaiEHDAALCyAHIANIIAogBkxxBEAgACABIAcgCBACIQghCSAEIAn9IQA5AwAgCf0hACAFZQRAIApBAWohCgsLIAoL";

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  setGains(fadeOut: number, fadeIn: number, reach: number, half: number): void;
  largestStep(outgoing: number, incoming: number, from: number, to: number): number;
  gatherSteps(
    outgoing: number,
    incoming: number,
    from: number,
    to: number,
    at: number,
    floor: number,
    enough: number,
  ): number;
}

/** The slice of the WebAssembly JS API used here (the project's `lib` has no WebAssembly typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

let kernel: Exports | undefined;

function instance(): Exports {
  if (kernel === undefined) {
    const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    kernel = new Wasm.Instance(new Wasm.Module(Buffer.from(JOIN_STEPS_WASM, "base64")), {}).exports as Exports;
  }
  return kernel;
}

/** The join of outgoing input position a and incoming b, at any shift d of a search (both move by d). */
export interface JoinSteps {
  /** The largest step |sample(k + 1) - sample(k)| for k in [from, to) at shift d. */
  largestStep(d: number, from: number, to: number): number;
  /**
   * The steps for k in [from, to) at shift d into steps[at...], counting those at or below `floor`; it may stop once
   * more than `enough` are (having stored up to one step more than that). Returns the count.
   */
  gatherSteps(d: number, from: number, to: number, at: number, floor: number, enough: number): number;
  /** Where gatherSteps stores: valid until the next loadJoin. */
  readonly steps: Float64Array;
}

const PAGE = 65_536;
const align16 = (bytes: number) => (bytes + 15) & ~15;
/** gatherSteps' `enough` when there is no limit. */
const NO_LIMIT = 2 ** 30;

/**
 * The join searched at shifts d in [-search, 0], whose samples k lie in [-reach, reach]: the input's samples that can
 * reach (a - search - reach to a + reach, and the same around b, within the input), the gains over k in
 * [-reach, reach], and room for `stepCount` steps, loaded into the kernel's memory. Every sample asked for, k + d
 * included, must lie in the input.
 */
export function loadJoin(
  mono: Float32Array,
  [a, b]: readonly [number, number],
  search: number,
  { reach, half, fadeOut, fadeIn }: { reach: number; half: number; fadeOut: Float64Array; fadeIn: Float64Array },
  stepCount: number,
): JoinSteps {
  const k = instance();
  const window = (at: number) => [Math.max(0, at - search - reach), Math.min(mono.length, at + reach + 1)] as const;
  const [aFrom, aTo] = window(a);
  const [bFrom, bTo] = window(b);
  const gainBytes = align16(8 * (2 * reach + 1));
  const stepsAt = 2 * gainBytes;
  const outAt = stepsAt + align16(8 * stepCount);
  const inAt = outAt + align16(4 * (aTo - aFrom));
  const bytes = inAt + 4 * (bTo - bFrom);
  if (k.memory.buffer.byteLength < bytes) k.memory.grow(Math.ceil((bytes - k.memory.buffer.byteLength) / PAGE));
  const memory = k.memory.buffer;
  new Float64Array(memory, 0, 2 * reach + 1).set(fadeOut);
  new Float64Array(memory, gainBytes, 2 * reach + 1).set(fadeIn);
  new Float32Array(memory, outAt, aTo - aFrom).set(mono.subarray(aFrom, aTo));
  new Float32Array(memory, inAt, bTo - bFrom).set(mono.subarray(bFrom, bTo));
  k.setGains(0, gainBytes, reach, half);
  // The address of sample k = 0 of each side at shift d.
  const outgoing = (d: number) => outAt + 4 * (a + d - aFrom);
  const incoming = (d: number) => inAt + 4 * (b + d - bFrom);
  return {
    largestStep: (d, from, to) => k.largestStep(outgoing(d), incoming(d), from, to),
    gatherSteps: (d, from, to, at, floor, enough) =>
      k.gatherSteps(outgoing(d), incoming(d), from, to, stepsAt + 8 * at, floor, Math.min(NO_LIMIT, enough)),
    steps: new Float64Array(memory, stepsAt, stepCount),
  };
}

/**
 * The join search's inner loops (quiet-join.ts) in WebAssembly SIMD (join-steps.wat): the crossfaded join's samples
 * two at a time in float64 lanes, with the same operations in the same order as the JavaScript they stand in for, so
 * that every step, and so every shift chosen, is the same to the last bit (tests/engine/remix/quiet-join.test.ts
 * checks the search against a plain JavaScript one). Each pair's two windows of the input and the gains are copied
 * into the module's memory (a few tens of kB), not the whole input.
 */
const JOIN_STEPS_WASM =
  "AGFzbQEAAAABOAZgBH9/f3wAYAN/f38Be2AEf39/ewJ7e2AEf39/fwF8YAd/f39/f3x/AX9gCX9/f39/f398fwF/AwcGAAECAwQFBQMBAAEGHAR/AUEAC38BQQALfwFBAAt8AUQAAAAAAAAAAAsHJAMGbWVtb3J5AgAIc2V0R2FpbnMAAAxtZWFzdXJlU2hpZnQABQrNBwYSACAAJAAgASQBIAIkAiADJAMLfgIBewF/IAL9Ef0MAAAAAAEAAAAAAAAAAAAAAP2uAf3+ASEDIAIjAmpBA3QhBCMAIARq/QAEACAAIAJBAnRq/V0DAP1fIAMjA/0U/Un9Tv3yASMBIARq/QAEACABIAJBAnRq/V0DAP1fIAMjA5r9FP1M/U798gH98AH9Xv1fCzEBAXsgACABIAJBAWoQASEEIAQgAyAE/Q0ICQoLDA0ODxAREhMUFRYX/fEB/ewBIAQLmAIEAX8EewF/AnsjA/0UIQsgACABIAJBAWsQASEFIAIhBAJAA0AgBEECaiADSg0BIAT9Ef0MAQAAAAIAAAAAAAAAAAAAAP2uAf3+ASEIIARBAWojAmpBA3QhCSMAIAlq/QAEACAAIARBAnRq/V0DBP1fIAggC/1J/U798gEjASAJav0ABAAgASAEQQJ0av1dAwT9XyAIIAv97QH9TP1O/fIB/fAB/V79XyEKIAogBSAK/Q0ICQoLDA0ODxAREhMUFRYX/fEB/ewBIQYgCiEFIAcgBv31ASEHIARBAmohBAwACwsgBCADSARAIAAgASAEIAUQAiEFIQYgByAGRAAAAAAAAAAA/SIB/fUBIQcLIAf9IQAgB/0hAaULvgIGAX8CewF/AXsBfwJ7IwP9FCEOIAAgASACQQFrEAEhCCACIQcCQANAIAdBAmogA0oNASAKIAZKDQEgB/0R/QwBAAAAAgAAAAAAAAAAAAAA/a4B/f4BIQsgB0EBaiMCakEDdCEMIwAgDGr9AAQAIAAgB0ECdGr9XQME/V8gCyAO/Un9Tv3yASMBIAxq/QAEACABIAdBAnRq/V0DBP1fIAsgDv3tAf1M/U798gH98AH9Xv1fIQ0gDSAIIA39DQgJCgsMDQ4PEBESExQVFhf98QH97AEhCSANIQggBCAJ/QsEACAKIAkgBf0U/Uv9xAFpaiEKIARBEGohBCAHQQJqIQcMAAsLIAcgA0ggCiAGTHEEQCAAIAEgByAIEAIhCCEJIAQgCf0hADkDACAJ/SEAIAVlBEAgCkEBaiEKCwsgCgusAQIDfAF/IAAgAUEAIAJrIAIQAyEJIAYgCTkDAEQAAAAAAADwvyEKIAdEAAAAAAAA8H9jBEAgB0QAAAAAAAAAAGUEQEQAAAAAAADwfyEKBSAJIAejIQsgCUSV1iboCy4RPiALpaMgB2YEQCALIQoLCwsgACABQQAgAmsgA2tBACACayAFIApBgICAgAQQBCEMIAwgACABIAIgBCAFIANBA3RqIAogCCAMaxAEags=";

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  setGains(fadeOut: number, fadeIn: number, reach: number, half: number): void;
  measureShift(
    outgoing: number,
    incoming: number,
    seamHalf: number,
    context: number,
    rightEnd: number,
    at: number,
    peakAt: number,
    bound: number,
    k: number,
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

/** The join of outgoing input position a and incoming b, searched at shifts d (both move by d). */
export interface JoinSteps {
  /**
   * Shift d: the seam's largest step |sample(k + 1) - sample(k)|, k in [-seamHalf, seamHalf), kept for peak(); then
   * the context's steps (k in [-seamHalf - context, -seamHalf), then [seamHalf, rightEnd)) into \`steps\`, counting
   * those at or below the median under which peak / median cannot fall below \`bound\`. Returns the count: above
   * \`k\`, the median is that low, and the steps after the seam may be left unread (or one more read than needed).
   */
  measureShift(d: number, bound: number, k: number): number;
  /** The seam's largest step at the shift measured last. */
  peak(): number;
  /** The context's steps at the shift measured last: valid until the next loadJoin. */
  readonly steps: Float64Array;
}

/** Where the seam and its context lie around the join (k = 0), samples: see JoinSteps. */
export interface StepWindows {
  readonly seamHalf: number;
  readonly context: number;
  readonly rightEnd: number;
}

const PAGE = 65_536;
const align16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * The join searched at shifts d in [-search, 0], whose samples k lie in [-reach, reach]: the input's samples that can
 * reach (a - search - reach to a + reach, and the same around b, within the input), the gains over k in
 * [-reach, reach], and room for the context's steps, loaded into the kernel's memory. Every sample asked for, k + d
 * included, must lie in the input.
 */
export function loadJoin(
  mono: Float32Array,
  [a, b]: readonly [number, number],
  search: number,
  { reach, half, fadeOut, fadeIn }: { reach: number; half: number; fadeOut: Float64Array; fadeIn: Float64Array },
  { seamHalf, context, rightEnd }: StepWindows,
): JoinSteps {
  const k = instance();
  const window = (at: number) => [Math.max(0, at - search - reach), Math.min(mono.length, at + reach + 1)] as const;
  const [aFrom, aTo] = window(a);
  const [bFrom, bTo] = window(b);
  const stepCount = context + Math.max(0, rightEnd - seamHalf);
  const gainBytes = align16(8 * (2 * reach + 1));
  const peakAt = 2 * gainBytes;
  const stepsAt = peakAt + 16;
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
  const peak = new Float64Array(memory, peakAt, 1);
  return {
    measureShift: (d, bound, most) =>
      k.measureShift(outgoing(d), incoming(d), seamHalf, context, rightEnd, stepsAt, peakAt, bound, most),
    peak: () => peak[0]!,
    steps: new Float64Array(memory, stepsAt, stepCount),
  };
}

/**
 * The join search (quiet-join.ts) in WebAssembly SIMD (join-steps.wat): the crossfaded join's samples two at a time
 * in float64 lanes, with the same operations in the same order as the plain JavaScript search, so that every step,
 * every median, and so every shift chosen, is the same to the last bit (tests/engine/remix/quiet-join.test.ts checks
 * it against a plain JavaScript search). Each pair's two windows of the input and the gains are copied into the
 * module's memory (a few tens of kB), not the whole input.
 */

import { instantiateBase64 } from "../wasm.ts";
const JOIN_STEPS_WASM =
  "AGFzbQEAAAABTwhgBH9/f3wAYAN/f38Be2AEf39/ewJ7e2AEf39/fwF8YAd/f39/f3x/AX9gCX9/f39/f398fwF/YAN/f38BfGAMf39/f39/f39/f39/AX8DCQgAAQIDBAUGBwUDAQABBhwEfwFBAAt/AUEAC38BQQALfAFEAAAAAAAAAAALByUDBm1lbW9yeQIACHNldEdhaW5zAAANcXVpZXRlc3RTaGlmdAAHCvUKCBIAIAAkACABJAEgAiQCIAMkAwt+AgF7AX8gAv0R/QwAAAAAAQAAAAAAAAAAAAAA/a4B/f4BIQMgAiMCakEDdCEEIwAgBGr9AAQAIAAgAkECdGr9XQMA/V8gAyMD/RT9Sf1O/fIBIwEgBGr9AAQAIAEgAkECdGr9XQMA/V8gAyMDmv0U/Uz9Tv3yAf3wAf1e/V8LMQEBeyAAIAEgAkEBahABIQQgBCADIAT9DQgJCgsMDQ4PEBESExQVFhf98QH97AEgBAuYAgQBfwR7AX8CeyMD/RQhCyAAIAEgAkEBaxABIQUgAiEEAkADQCAEQQJqIANKDQEgBP0R/QwBAAAAAgAAAAAAAAAAAAAA/a4B/f4BIQggBEEBaiMCakEDdCEJIwAgCWr9AAQAIAAgBEECdGr9XQME/V8gCCAL/Un9Tv3yASMBIAlq/QAEACABIARBAnRq/V0DBP1fIAggC/3tAf1M/U798gH98AH9Xv1fIQogCiAFIAr9DQgJCgsMDQ4PEBESExQVFhf98QH97AEhBiAKIQUgByAG/fUBIQcgBEECaiEEDAALCyAEIANIBEAgACABIAQgBRACIQUhBiAHIAZEAAAAAAAAAAD9IgH99QEhBwsgB/0hACAH/SEBpQu+AgYBfwJ7AX8BewF/AnsjA/0UIQ4gACABIAJBAWsQASEIIAIhBwJAA0AgB0ECaiADSg0BIAogBkoNASAH/RH9DAEAAAACAAAAAAAAAAAAAAD9rgH9/gEhCyAHQQFqIwJqQQN0IQwjACAMav0ABAAgACAHQQJ0av1dAwT9XyALIA79Sf1O/fIBIwEgDGr9AAQAIAEgB0ECdGr9XQME/V8gCyAO/e0B/Uz9Tv3yAf3wAf1e/V8hDSANIAggDf0NCAkKCwwNDg8QERITFBUWF/3xAf3sASEJIA0hCCAEIAn9CwQAIAogCSAF/RT9S/3EAWlqIQogBEEQaiEEIAdBAmohBwwACwsgByADSCAKIAZMcQRAIAAgASAHIAgQAiEIIQkgBCAJ/SEAOQMAIAn9IQAgBWUEQCAKQQFqIQoLCyAKC6wBAgN8AX8gACABQQAgAmsgAhADIQkgBiAJOQMARAAAAAAAAPC/IQogB0QAAAAAAADwf2MEQCAHRAAAAAAAAAAAZQRARAAAAAAAAPB/IQoFIAkgB6MhCyAJRJXWJugLLhE+IAuloyAHZgRAIAshCgsLCyAAIAFBACACayADa0EAIAJrIAUgCkGAgICABBAEIQwgDCAAIAEgAiAEIAUgA0EDdGogCiAIIAxrEARqC+8BAgR/AnwgAUEBayEEAkADQCADIARODQEgACADIARqQQF1QQN0aisDACEHIAMhBSAEIQYCQANAIAUgBkoNAQJAA0AgACAFQQN0aisDACAHY0UNASAFQQFqIQUMAAsLAkADQCAAIAZBA3RqKwMAIAdkRQ0BIAZBAWshBgwACwsgBSAGTARAIAAgBUEDdGorAwAhCCAAIAVBA3RqIAAgBkEDdGorAwA5AwAgACAGQQN0aiAIOQMAIAVBAWohBSAGQQFrIQYLDAALCyACIAZMBEAgBiEEBSACIAVIDQIgBSEDCwwACwsgACACQQN0aisDAAu1AQICfwN8RAAAAAAAAPB/IQ4CQANAIAxBACAJa0gNASAMIApOIAwgC0xxBEAgACAMQQJ0aiABIAxBAnRqIAIgAyAEIAUgBiAORJXWJugLLhE+oSAHEAUgB0wEQEQAAAAAAAAAACEPIAhBAEoEQCAFIAggBxAGIQ8LIAYrAwBEldYm6AsuET4gD6WjIRAgECAORJXWJugLLhE+oWMEQCAQIQ4gDCENCwsLIAxBBGshDAwACwsgDQs=";

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  setGains(fadeOut: number, fadeIn: number, reach: number, half: number): void;
  quietestShift(
    outgoing: number,
    incoming: number,
    seamHalf: number,
    context: number,
    rightEnd: number,
    at: number,
    peakAt: number,
    k: number,
    n: number,
    search: number,
    dLo: number,
    dHi: number,
  ): number;
}

let kernel: Exports | undefined;

function instance(): Exports {
  if (kernel === undefined) {
    kernel = instantiateBase64(JOIN_STEPS_WASM) as Exports;
  }
  return kernel;
}

/**
 * Where the seam and its context lie around the join (k = 0), samples: the seam's steps are those of k in
 * [-seamHalf, seamHalf), the context's those of k in [-seamHalf - context, -seamHalf) and [seamHalf, rightEnd).
 */
export interface StepWindows {
  readonly seamHalf: number;
  readonly context: number;
  readonly rightEnd: number;
}

const PAGE = 65_536;
const align16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * The shift d in [-search, 0] (every 4th sample, where the join's samples k in [-reach, reach] lie in the input) whose
 * join of outgoing mono[a + d + k] and incoming mono[b + d + k] has the smallest ratio of the seam's largest step to the
 * context's median step (at least 1e-9), the first such when ratios lie within 1e-9: 0 when no shift beats it. A shift
 * whose median is too low to beat the best so far is told by counting the steps at or below that floor, most before
 * the context after the seam is rendered. The input's samples that can reach (a - search - reach to a + reach, and
 * the same around b) and the gains over k in [-reach, reach] are loaded into the kernel's memory.
 */
export function searchJoin(
  mono: Float32Array,
  [a, b]: readonly [number, number],
  search: number,
  { reach, half, fadeOut, fadeIn }: { reach: number; half: number; fadeOut: Float64Array; fadeIn: Float64Array },
  { seamHalf, context, rightEnd }: StepWindows,
): number {
  const k = instance();
  const length = mono.length;
  const window = (at: number) => [Math.max(0, at - search - reach), Math.min(length, at + reach + 1)] as const;
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
  // The shifts whose window [a + d - reach, a + d + reach] (and b's) lies in the input.
  const dLo = Math.max(reach - a, reach - b);
  const dHi = Math.min(length - 1 - reach - a, length - 1 - reach - b);
  if (dLo > dHi) return 0;
  // The address of sample k = 0 of each side at shift 0.
  const [outgoing, incoming] = [outAt + 4 * (a - aFrom), inAt + 4 * (b - bFrom)];
  const median = Math.floor(stepCount / 2);
  return k.quietestShift(
    outgoing,
    incoming,
    seamHalf,
    context,
    rightEnd,
    stepsAt,
    peakAt,
    median,
    stepCount,
    search,
    dLo,
    dHi,
  );
}

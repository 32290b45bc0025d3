/**
 * Loops over every sample, in WebAssembly SIMD (sample-kernels.wat): packing 16-bit and float WAV frames, the lowest
 * and highest sample of a stretch (the picture's waveform columns), and the K-weighting of two channels side by side. Each gives the values of the JavaScript loop it stands in for, bit for bit; where
 * there is no kernel for a shape (or no WebAssembly SIMD), the callers keep their loops. The samples are copied into
 * the module's memory and the bytes out of it: the copies cost a fraction of the loops they replace.
 */

import { instantiateBase64 } from "../wasm.ts";
const SAMPLE_KERNELS_WASM =
  "AGFzbQEAAAABIQVgAX0Bf2ABewF7YAR/f39/AGADf39/AGAGf39/f39/AAMIBwABAgMCAwQFAwEAAQdOBgZtZW1vcnkCAAxwYWNrMTZTdGVyZW8AAgpwYWNrMTZNb25vAAMQaW50ZXJsZWF2ZVN0ZXJlbwAEBXJhbmdlAAUKa1Bvd2VyUGFpcgAGCr0MB00CAn0BfyAAQwAAAEeUIQEgAZAhAiABIAKTQwAAAD9bBEAgAkMAAIA/kiECCyAC/AAhA0GAgH5B//8BIAMgA0H//wFKGyADQYCAfkgbC1oBAnsgAP0MAAAARwAAAEcAAABHAAAAR/3mASEBIAH9aiECIAIgASAC/eUB/QwAAAA/AAAAPwAAAD8AAAA//UH9DAAAgD8AAIA/AACAPwAAgD/9Tv3kAf34AQviAQIBfwJ7IAAgA0F4cUECdGohBAJAA0AgACAETw0BIAD9AAQAEAEgAP0ABBAQAf2FASEFIAH9AAQAEAEgAf0ABBAQAf2FASEGIAIgBSAG/Q0AARARAgMSEwQFFBUGBxYX/QsEACACIAUgBv0NCAkYGQoLGhsMDRwdDg8eH/0LBBAgAEEgaiEAIAFBIGohASACQSBqIQIMAAsLIAQgA0EHcUECdGohBAJAA0AgACAETw0BIAIgACoCABAAOwEAIAIgASoCABAAOwECIABBBGohACABQQRqIQEgAkEEaiECDAALCwt9AQF/IAAgAkF4cUECdGohAwJAA0AgACADTw0BIAEgAP0ABAAQASAA/QAEEBAB/YUB/QsEACAAQSBqIQAgAUEQaiEBDAALCyADIAJBB3FBAnRqIQMCQANAIAAgA08NASABIAAqAgAQADsBACAAQQRqIQAgAUECaiEBDAALCwvEAQIBfwJ7IAAgA0F8cUECdGohBAJAA0AgACAETw0BIAD9AAQAIQUgAf0ABAAhBiACIAUgBv0NAAECAxAREhMEBQYHFBUWF/0LBAAgAiAFIAb9DQgJCgsYGRobDA0ODxwdHh/9CwQQIABBEGohACABQRBqIQEgAkEgaiECDAALCyAEIANBA3FBAnRqIQQCQANAIAAgBE8NASACIAAoAgA2AgAgAiABKAIANgIEIABBBGohACABQQRqIQEgAkEIaiECDAALCwu+AwQBfwl7A30BfyACKgIAIQ0gAioCBCEOIA39EyEEIAQhBSAEIQYgBCEHIA79EyEIIAghCSAIIQogCCELIAAgAUFwcUECdGohAwJAA0AgACADTw0BIAD9AAQAIQwgBCAM/eoBIQQgCCAM/esBIQggAP0ABBAhDCAFIAz96gEhBSAJIAz96wEhCSAA/QAEICEMIAYgDP3qASEGIAogDP3rASEKIAD9AAQwIQwgByAM/eoBIQcgCyAM/esBIQsgAEHAAGohAAwACwsgBCAF/eoBIAYgB/3qAf3qASEEIAggCf3rASAKIAv96wH96wEhCCAE/R8AIQ0gCP0fACEOIAT9HwEhDyAPIA1dBEAgDyENCyAE/R8CIQ8gDyANXQRAIA8hDQsgBP0fAyEPIA8gDV0EQCAPIQ0LIAj9HwEhDyAPIA5eBEAgDyEOCyAI/R8CIQ8gDyAOXgRAIA8hDgsgCP0fAyEPIA8gDl4EQCAPIQ4LIAMgAUEPcUECdGohAwJAA0AgACADTw0BIAAqAgAhDyAPIA1dBEAgDyENCyAPIA5eBEAgDyEOCyAAQQRqIQAMAAsLIAIgDTgCACACIA44AgQLqQMEAX8EewF9EXsgBP0ABAAhDCAE/QAEECENIAT9AAQgIQ4gBP0ABDAhDyAE/QAEQCEQIAT9AARQIREgBf0KAwAhEiAF/QoDCCETIAX9CgMQIRQgBf0KAxghFSAF/QoDICEWIAX9CgMoIRcgBf0KAzAhGCAF/QoDOCEZIAX9CgNAIRogBf0KA0ghGyAF/QAEUCEcIAAgA0ECdGohBgJAA0AgACAGTw0BIAAqAgC7/RQgASoCALv9IgEhByASIAf98gEgEyAM/fIB/fABIBQgDf3yAf3wASAVIA798gH98QEgFiAP/fIB/fEBIQggDCENIAchDCAXIAj98gEgGCAO/fIB/fABIBkgD/3yAf3wASAaIBD98gH98QEgGyAR/fIB/fEBIQkgDiEPIAghDiAQIREgCSEQIBwgCf3yASAJ/fIBIQogAioCALsgCv0hAKC2IQsgAiALuyAK/SEBoLY4AgAgAEEEaiEAIAFBBGohASACQQRqIQIMAAsLIAQgDP0LBAAgBCAN/QsEECAEIA79CwQgIAQgD/0LBDAgBCAQ/QsEQCAEIBH9CwRQCw==";

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  pack16Stereo(left: number, right: number, out: number, frames: number): void;
  pack16Mono(samples: number, out: number, frames: number): void;
  interleaveStereo(left: number, right: number, out: number, frames: number): void;
  range(samples: number, count: number, range: number): void;
  kPowerPair(a: number, b: number, power: number, frames: number, state: number, coeffs: number): void;
}

let kernels: Exports | null | undefined;

/** This thread's instance (made on first use), or null where WebAssembly SIMD is not there. */
function instance(): Exports | null {
  if (kernels === undefined) {
    try {
      kernels = instantiateBase64(SAMPLE_KERNELS_WASM) as Exports;
    } catch {
      kernels = null;
    }
  }
  return kernels;
}

const PAGE = 65_536;
const align16 = (bytes: number) => (bytes + 15) & ~15;

/** The instance with at least `bytes` of memory (growing it detaches earlier views of it: take them after). */
function withMemory(bytes: number): Exports | null {
  const k = instance();
  if (k !== null && k.memory.buffer.byteLength < bytes)
    k.memory.grow(Math.ceil((bytes - k.memory.buffer.byteLength) / PAGE));
  return k;
}

/**
 * Interleaved WAV sample bytes of one or two channels into `output` (frames * channels * 2 or 4 bytes): 16-bit as
 * writeWavSamples rounds and clamps them, or float32 as they are. False (nothing written) for any other shape.
 */
export function packFrames(channels: readonly Float32Array[], depth: 16 | "32f", output: Uint8Array): boolean {
  const count = channels.length;
  const frames = channels[0]?.length ?? 0;
  if (count < 1 || count > 2 || (depth === "32f" && count === 1)) return false;
  const inBytes = align16(frames * 4);
  const outAt = count * inBytes;
  const outBytes = frames * count * (depth === 16 ? 2 : 4);
  const k = withMemory(outAt + outBytes);
  if (k === null) return false;
  const floats = new Float32Array(k.memory.buffer);
  for (let c = 0; c < count; c++) floats.set(channels[c]!, (c * inBytes) / 4);
  if (depth === "32f") k.interleaveStereo(0, inBytes, outAt, frames);
  else if (count === 2) k.pack16Stereo(0, inBytes, outAt, frames);
  else k.pack16Mono(0, outAt, frames);
  output.set(new Uint8Array(k.memory.buffer, outAt, outBytes));
  return true;
}

/**
 * The lowest and highest sample of frames [from, to) of every channel, starting from `low` and `high`: what
 * `if (s < low) low = s; if (s > high) high = s` over them gives (the one choice it may make differently is between
 * 0 and -0, which are equal). Undefined where WebAssembly SIMD is not there.
 */
export function sampleRange(
  channels: readonly Float32Array[],
  from: number,
  to: number,
  low: number,
  high: number,
): { low: number; high: number } | undefined {
  const frames = Math.max(0, to - from);
  const samplesAt = 16;
  const k = withMemory(samplesAt + channels.length * frames * 4);
  if (k === null) return undefined;
  const floats = new Float32Array(k.memory.buffer);
  for (let c = 0; c < channels.length; c++) floats.set(channels[c]!.subarray(from, to), samplesAt / 4 + c * frames);
  floats[0] = low;
  floats[1] = high;
  k.range(samplesAt, channels.length * frames, 0);
  return { low: floats[0]!, high: floats[1]! };
}

/** Frames K-weighted per call (the samples and the power are copied in and out a piece at a time). */
const K_PIECE_FRAMES = 1 << 16;

/**
 * k-weighting.ts's two-channel loop in the kernel: power[i] += the K-weighted power of a[i] and b[i] (weights wa, wb),
 * as fround(fround(power[i] + wa * az * az) + wb * bz * bz), each channel's filter memory (x1, x2, y1, y2, z1, z2)
 * carried in `ma` and `mb`; `coeffs` are the shelf's and the high-pass's five each, then wa and wb. The same values as
 * the JavaScript loop, bit for bit. False (nothing done) where WebAssembly SIMD is not there.
 */
export function kWeightedPair(
  power: Float32Array,
  [a, b]: readonly [Float32Array, Float32Array],
  [ma, mb]: readonly [Float64Array, Float64Array],
  coeffs: readonly number[],
): boolean {
  const pieceBytes = 4 * K_PIECE_FRAMES;
  const [stateAt, coeffsAt, aAt, bAt, powerAt] = [0, 96, 192, 192 + pieceBytes, 192 + 2 * pieceBytes];
  const k = withMemory(powerAt + pieceBytes);
  if (k === null) return false;
  const memory = k.memory.buffer;
  const state = new Float64Array(memory, stateAt, 12);
  for (let j = 0; j < 6; j++) [state[2 * j], state[2 * j + 1]] = [ma[j]!, mb[j]!];
  new Float64Array(memory, coeffsAt, 12).set(coeffs);
  const floats = new Float32Array(memory);
  for (let from = 0; from < power.length; from += K_PIECE_FRAMES) {
    const to = Math.min(power.length, from + K_PIECE_FRAMES);
    floats.set(a.subarray(from, to), aAt / 4);
    floats.set(b.subarray(from, to), bAt / 4);
    floats.set(power.subarray(from, to), powerAt / 4);
    k.kPowerPair(aAt, bAt, powerAt, to - from, stateAt, coeffsAt);
    power.set(floats.subarray(powerAt / 4, powerAt / 4 + to - from), from);
  }
  for (let j = 0; j < 6; j++) [ma[j], mb[j]] = [state[2 * j]!, state[2 * j + 1]!];
  return true;
}

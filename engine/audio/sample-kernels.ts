/**
 * The loops that touch every sample of a long result once more after it is rendered, in WebAssembly SIMD
 * (sample-kernels.wat): packing 16-bit and float WAV frames, and the lowest and highest sample of a stretch (the
 * picture's waveform columns). Each gives the values of the JavaScript loop it stands in for, bit for bit; where
 * there is no kernel for a shape (or no WebAssembly SIMD), the callers keep their loops. The samples are copied into
 * the module's memory and the bytes out of it: the copies cost a fraction of the loops they replace.
 */
const SAMPLE_KERNELS_WASM =
  "AGFzbQEAAAABGARgAX0Bf2ABewF7YAR/f39/AGADf39/AAMHBgABAgMCAwUDAQABB0EFBm1lbW9yeQIADHBhY2sxNlN0ZXJlbwACCnBhY2sxNk1vbm8AAxBpbnRlcmxlYXZlU3RlcmVvAAQFcmFuZ2UABQqSCQZNAgJ9AX8gAEMAAABHlCEBIAGQIQIgASACk0MAAAA/WwRAIAJDAACAP5IhAgsgAvwAIQNBgIB+Qf//ASADIANB//8BShsgA0GAgH5IGwtaAQJ7IAD9DAAAAEcAAABHAAAARwAAAEf95gEhASAB/WohAiACIAEgAv3lAf0MAAAAPwAAAD8AAAA/AAAAP/1B/QwAAIA/AACAPwAAgD8AAIA//U795AH9+AEL4gECAX8CeyAAIANBeHFBAnRqIQQCQANAIAAgBE8NASAA/QAEABABIAD9AAQQEAH9hQEhBSAB/QAEABABIAH9AAQQEAH9hQEhBiACIAUgBv0NAAEQEQIDEhMEBRQVBgcWF/0LBAAgAiAFIAb9DQgJGBkKCxobDA0cHQ4PHh/9CwQQIABBIGohACABQSBqIQEgAkEgaiECDAALCyAEIANBB3FBAnRqIQQCQANAIAAgBE8NASACIAAqAgAQADsBACACIAEqAgAQADsBAiAAQQRqIQAgAUEEaiEBIAJBBGohAgwACwsLfQEBfyAAIAJBeHFBAnRqIQMCQANAIAAgA08NASABIAD9AAQAEAEgAP0ABBAQAf2FAf0LBAAgAEEgaiEAIAFBEGohAQwACwsgAyACQQdxQQJ0aiEDAkADQCAAIANPDQEgASAAKgIAEAA7AQAgAEEEaiEAIAFBAmohAQwACwsLxAECAX8CeyAAIANBfHFBAnRqIQQCQANAIAAgBE8NASAA/QAEACEFIAH9AAQAIQYgAiAFIAb9DQABAgMQERITBAUGBxQVFhf9CwQAIAIgBSAG/Q0ICQoLGBkaGwwNDg8cHR4f/QsEECAAQRBqIQAgAUEQaiEBIAJBIGohAgwACwsgBCADQQNxQQJ0aiEEAkADQCAAIARPDQEgAiAAKAIANgIAIAIgASgCADYCBCAAQQRqIQAgAUEEaiEBIAJBCGohAgwACwsLvgMEAX8JewN9AX8gAioCACENIAIqAgQhDiAN/RMhBCAEIQUgBCEGIAQhByAO/RMhCCAIIQkgCCEKIAghCyAAIAFBcHFBAnRqIQMCQANAIAAgA08NASAA/QAEACEMIAQgDP3qASEEIAggDP3rASEIIAD9AAQQIQwgBSAM/eoBIQUgCSAM/esBIQkgAP0ABCAhDCAGIAz96gEhBiAKIAz96wEhCiAA/QAEMCEMIAcgDP3qASEHIAsgDP3rASELIABBwABqIQAMAAsLIAQgBf3qASAGIAf96gH96gEhBCAIIAn96wEgCiAL/esB/esBIQggBP0fACENIAj9HwAhDiAE/R8BIQ8gDyANXQRAIA8hDQsgBP0fAiEPIA8gDV0EQCAPIQ0LIAT9HwMhDyAPIA1dBEAgDyENCyAI/R8BIQ8gDyAOXgRAIA8hDgsgCP0fAiEPIA8gDl4EQCAPIQ4LIAj9HwMhDyAPIA5eBEAgDyEOCyADIAFBD3FBAnRqIQMCQANAIAAgA08NASAAKgIAIQ8gDyANXQRAIA8hDQsgDyAOXgRAIA8hDgsgAEEEaiEADAALCyACIA04AgAgAiAOOAIECw==";

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  pack16Stereo(left: number, right: number, out: number, frames: number): void;
  pack16Mono(samples: number, out: number, frames: number): void;
  interleaveStereo(left: number, right: number, out: number, frames: number): void;
  range(samples: number, count: number, range: number): void;
}

/** The slice of the WebAssembly JS API used here (the project's `lib` has no WebAssembly typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

let kernels: Exports | null | undefined;

/** This thread's instance (made on first use), or null where WebAssembly SIMD is not there. */
function instance(): Exports | null {
  if (kernels === undefined) {
    try {
      const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      const module = new Wasm.Module(Buffer.from(SAMPLE_KERNELS_WASM, "base64"));
      kernels = new Wasm.Instance(module, {}).exports as Exports;
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

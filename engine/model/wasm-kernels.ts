import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { instantiateBase64, Wasm } from "../wasm.ts";

/**
 * Faster kernels for the WASM backend (tfjs-backend-wasm 4.22) on the two paths that dominate a batch-1 prediction of
 * the seed; each computes the same values as the kernel it stands in for and hands every other case to it.
 *
 * - _FusedMatMul of one row by a weight matrix (every Dense layer at batch 1): the backend hands it to XNNPACK, which
 *   first packs a transposed copy of each weight matrix and keeps it: for the seed 1.6 GB more heap and about 6 s on
 *   the first prediction, and then it reads the packed copy at about half the memory bandwidth. matvec.wat reads the
 *   row-major weights where they are, in order, four rows at a time (same additions in the same order).
 * - Slice of a contiguous block: the backend copies the whole input out of the heap first (the seed's 20 frame crops
 *   each copied all 20 s of context); this copies only the slice.
 */
const MATVEC_WASM =
  "AGFzbQEAAAABHANgCH9/f399fX19AGAEf39/fQBgBn9/f39/fwACDwEDZW52Bm1lbW9yeQIAAQMEAwABAgcKAQZtYXR2ZWMAAgrbBAOKAgIGfwR7IAEgAmohCCAIIAJqIQkgCSACaiEKIAT9EyEOIAX9EyEPIAb9EyEQIAf9EyERIANBfHFBAnQhDCADQQJ0IQ1BACELAkADQCALIAxPDQEgACALaiAAIAtq/QACACAOIAEgC2r9AAIA/eYB/eQBIA8gCCALav0AAgD95gH95AEgECAJIAtq/QACAP3mAf3kASARIAogC2r9AAIA/eYB/eQB/QsCACALQRBqIQsMAAsLAkADQCALIA1PDQEgACALaiAAIAtqKgIAIAQgASALaioCAJSSIAUgCCALaioCAJSSIAYgCSALaioCAJSSIAcgCiALaioCAJSSOAIAIAtBBGohCwwACwsLjAECA38BeyAD/RMhByACQXxxQQJ0IQUgAkECdCEGQQAhBAJAA0AgBCAFTw0BIAAgBGogACAEav0AAgAgByABIARq/QACAP3mAf3kAf0LAgAgBEEQaiEEDAALCwJAA0AgBCAGTw0BIAAgBGogACAEaioCACADIAEgBGoqAgCUkjgCACAEQQRqIQQMAAsLC74BAQV/IAVBAnQhByAHIQlBACEIAkADQCAIIAlPDQEgAyAIaiACBH0gAiAIaioCAAVDAAAAAAs4AgAgCEEEaiEIDAALC0EAIQYCQANAIAZBBGogBEsNASAAIAZBAnRqIQogAyABIAYgB2xqIAcgBSAKKgIAIAoqAgQgCioCCCAKKgIMEAAgBkEEaiEGDAALCwJAA0AgBiAETw0BIAMgASAGIAdsaiAFIAAgBkECdGoqAgAQASAGQQFqIQYMAAsLCw==";

type KernelArgs = Parameters<tf.KernelFunc>[0];
type MatVec = (x: number, w: number, bias: number, y: number, k: number, n: number) => void;

const originals = new Map<string, tf.KernelConfig>();
let matvec: MatVec | undefined;

/** Installs the kernels when the WASM backend is registered; calling it again changes nothing. */
export function useWasmFastKernels(): void {
  const backend = tf.findBackend("wasm") as BackendWasm | null;
  if (backend === null || originals.has("_FusedMatMul")) return;
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (memory instanceof Wasm.Memory) {
    // the module imports the backend's own memory, so it reads weights and writes outputs in place
    matvec = (instantiateBase64(MATVEC_WASM, { env: { memory } }) as { matvec: MatVec }).matvec;
    replaceKernel("_FusedMatMul", fusedMatMulOneRow);
  }
  useWasmCopyKernels();
}

/**
 * Installs only the kernels that move values without computing any (Slice, Concat): a model's predictions stay the
 * same to the last bit, faster (the conductor's many small crops and joins of columns). Calling it again changes
 * nothing.
 */
export function useWasmCopyKernels(): void {
  if (tf.findBackend("wasm") === null) return;
  if (!originals.has("Slice")) replaceKernel("Slice", sliceFromHeap);
  if (!originals.has("Concat")) replaceKernel("Concat", concatFromHeap);
}

/** Puts the backend's own kernels back (tests compare the two). */
export function restoreWasmKernels(): void {
  for (const [name, kernel] of originals) {
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(kernel);
  }
  originals.clear();
}

function replaceKernel(name: string, kernelFunc: tf.KernelFunc): void {
  const kernel = tf.getKernel(name, "wasm");
  if (kernel === undefined) return;
  originals.set(name, kernel);
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({ ...kernel, kernelFunc });
}

const original = (name: string, args: KernelArgs) => (originals.get(name) as tf.KernelConfig).kernelFunc(args);

/** [1, 1, K] x [1, K, N] (+ bias [N]), linear: y = bias + sum over k of a[k] * b[k, :]. */
function fusedMatMulOneRow(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const attrs = args.attrs ?? {};
  if (
    matvec === undefined ||
    a === undefined ||
    b === undefined ||
    a.dtype !== "float32" ||
    b.dtype !== "float32" ||
    attrs.transposeA === true ||
    attrs.transposeB === true ||
    (attrs.activation ?? "linear") !== "linear" ||
    preluActivationWeights != null ||
    !sameShape(a.shape, [1, 1, b.shape[1] ?? -1]) ||
    b.shape.length !== 3 ||
    b.shape[0] !== 1 ||
    (bias != null && !sameShape(bias.shape, [b.shape[2] ?? -1]))
  ) {
    return original("_FusedMatMul", args);
  }
  const [, k, n] = b.shape as [number, number, number];
  const out = backend.makeOutput([1, 1, n], "float32");
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)?.memoryOffset ?? 0;
  matvec(at(a), at(b), bias == null ? 0 : at(bias), at(out), k, n);
  return out;
}

const sameShape = (shape: readonly number[], expected: readonly number[]): boolean =>
  shape.length === expected.length && shape.every((d, i) => d === expected[i]);

function sliceFromHeap(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x as tf.TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as tf.Tensor,
    args.attrs?.begin as number | number[],
    args.attrs?.size as number | number[],
  ) as [number[], number[]];
  if (x.dtype === "string" || !tf.slice_util.isSliceContinous(x.shape, begin, size)) return original("Slice", args);
  const out = backend.makeOutput(size, x.dtype);
  const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
  const count = tf.util.sizeFromShape(size);
  // Views taken after makeOutput: an allocation can grow the heap, which detaches earlier views.
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(offset, offset + count));
  return out;
}

/**
 * Concat of numeric tensors: the backend copies each input's part of each outer index with a subarray and a set (two
 * [28, 1] columns side by side: 56 of them); this copies value by value.
 */
function concatFromHeap(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  if (inputs.length < 2 || inputs.some((t) => t.dtype === "string" || tf.util.sizeFromShape(t.shape) === 0))
    return original("Concat", args);
  const shapes = inputs.map((t) => t.shape);
  const axis = tf.util.parseAxisParam(args.attrs?.axis as number, shapes[0]!)[0]!;
  tf.backend_util.assertParamsConsistent(shapes, axis);
  const out = backend.makeOutput(tf.backend_util.computeOutShape(shapes, axis), inputs[0]!.dtype);
  const outer = tf.util.sizeFromShape(shapes[0]!.slice(0, axis));
  const inner = shapes.map((shape) => tf.util.sizeFromShape(shape.slice(axis)));
  const stride = inner.reduce((sum, n) => sum + n, 0);
  // Views taken after makeOutput: an allocation can grow the heap, which detaches earlier views.
  const to = backend.typedArrayFromHeap(out);
  for (let i = 0, offset = 0; i < inputs.length; offset += inner[i]!, i++) {
    const from = backend.typedArrayFromHeap(inputs[i]!);
    const n = inner[i]!;
    for (let o = 0; o < outer; o++) for (let j = 0; j < n; j++) to[o * stride + offset + j] = from[o * n + j]!;
  }
  return out;
}

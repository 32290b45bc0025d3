import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

let original: tf.KernelConfig | undefined;

/**
 * Replaces the WASM backend's Slice kernel for contiguous float slices with one that copies straight from the heap.
 * tfjs-backend-wasm 4.22's Slice first copies the whole input out of the heap (readSync) and then takes the slice:
 * each of the seed's 20 frame crops copied all 20 s of context (1.8 MB) and left it to the garbage collector, about
 * a fifth of a warm prediction. The result is the same values; other slices (strided, strings) use the original.
 * Does nothing until the WASM backend is registered; calling it again changes nothing.
 */
export function useHeapSlice(): void {
  if (original !== undefined) return;
  const kernel = tf.getKernel("Slice", "wasm");
  if (kernel === undefined) return;
  original = kernel;
  tf.unregisterKernel("Slice", "wasm");
  tf.registerKernel({ ...kernel, kernelFunc: sliceFromHeap });
}

/** Puts the backend's own Slice back (tests compare the two). */
export function restoreWasmSlice(): void {
  if (original === undefined) return;
  tf.unregisterKernel("Slice", "wasm");
  tf.registerKernel(original);
  original = undefined;
}

function sliceFromHeap(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x as tf.TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as tf.Tensor,
    args.attrs?.begin as number | number[],
    args.attrs?.size as number | number[],
  ) as [number[], number[]];
  if (x.dtype === "string" || !tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    return (original as tf.KernelConfig).kernelFunc(args);
  }
  const out = backend.makeOutput(size, x.dtype);
  const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
  const count = tf.util.sizeFromShape(size);
  // Views taken after makeOutput: an allocation can grow the heap, which detaches earlier views.
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(offset, offset + count));
  return out;
}

import * as tf from "@tensorflow/tfjs";
import { graphNodes, type GraphNode } from "./forward.ts";

/** One sample's values in row-major order, with its shape (without the batch dimension). */
interface Values {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** A node's computation, writing into arrays allocated once when the pass is built. */
type Step = () => void;

const f32 = Math.fround;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * A one-input, one-output layers model's forward pass for one sample, in plain float32 arithmetic on typed arrays:
 * no tensors, no kernel dispatch, no bookkeeping (the conductor's ~300 tiny layers cost TF.js several milliseconds
 * of dispatch per prediction and the arithmetic a few microseconds). Each layer does the WASM backend's operations in
 * its order: a Dense layer's output starts at its bias and adds each input times its weight in turn, each product and
 * sum rounded to float32 (XNNPACK's f32 GEMM on WebAssembly SIMD, which has no fused multiply-add); LeakyReLU,
 * Add, the mean over steps likewise; Reshape, Flatten, Cropping2D, Concatenate and RepeatVector only move values.
 * Undefined for a graph it does not walk or a layer it does not know: use checkedPlainForwardPass, which also checks
 * the result against the backend's.
 */
export function plainForwardPass(model: tf.LayersModel): ((x: Float32Array) => Float32Array) | undefined {
  const graph = graphNodes(model);
  if (graph === undefined) return undefined;
  const { input, output, nodes } = graph;
  const inputShape = input.shape.slice(1);
  if (inputShape.some((d) => d === null)) return undefined;
  const x: Values = { data: new Float32Array(size(inputShape as number[])), shape: inputShape as number[] };
  const values = new Map<number, Values>([[input.id, x]]);
  const steps: Step[] = [];
  for (const node of nodes) {
    const inputs = node.inputTensors.map((t) => values.get(t.id));
    if (inputs.some((v) => v === undefined) || node.outputTensors.length !== 1) return undefined;
    const made = layerStep(node, inputs as Values[]);
    if (made === undefined) return undefined;
    steps.push(made.step);
    values.set(node.outputTensors[0]!.id, made.output);
  }
  const result = values.get(output.id);
  if (result === undefined) return undefined;
  return (sample) => {
    if (sample.length !== x.data.length)
      throw new RangeError(`the model reads ${x.data.length} values per sample; got ${sample.length}`);
    x.data.set(sample);
    for (const step of steps) step();
    return result.data.slice();
  };
}

/** The step of one layer call and where it writes; undefined for a layer (or a setting of one) not handled here. */
function layerStep(node: GraphNode, inputs: readonly Values[]): { step: Step; output: Values } | undefined {
  const layer = node.outboundLayer;
  const config = layer.getConfig() as Record<string, unknown>;
  const [first] = inputs;
  if (first === undefined) return undefined;
  const same = (shape: readonly number[]) => ({ step: () => undefined, output: { data: first.data, shape } });
  switch (layer.getClassName()) {
    case "Reshape": {
      const target = config.targetShape as number[];
      return size(target) === first.data.length ? same(target) : undefined;
    }
    case "Flatten":
      return same([first.data.length]);
    case "Dense":
      return denseStep(layer, config, first);
    case "LeakyReLU":
      return leakyReluStep(f32(config.alpha as number), first);
    case "Add":
      return addStep(inputs);
    case "Concatenate":
      return concatenateStep(inputs, config.axis as number);
    case "Cropping2D":
      return config.dataFormat === "channelsLast" ? cropping2dStep(first, config.cropping as number[][]) : undefined;
    case "GlobalAveragePooling1D":
      return meanOverStepsStep(first);
    case "RepeatVector":
      return repeatStep(first, config.n as number);
    default:
      return undefined;
  }
}

function denseStep(layer: tf.layers.Layer, config: Record<string, unknown>, x: Values) {
  if (config.activation !== "linear") return undefined;
  const weights = layer.getWeights().map((w) => w.dataSync() as Float32Array);
  const [kernel, bias] = config.useBias ? weights : [weights[0], undefined];
  const k = x.shape.at(-1) ?? 0;
  const n = config.units as number;
  if (kernel === undefined || kernel.length !== k * n || (config.useBias && bias?.length !== n)) return undefined;
  const rows = x.data.length / k;
  const out = new Float32Array(rows * n);
  // The weights by output (each output's k weights in a row), so that each sum reads them in order.
  const byOutput = new Float32Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) byOutput[j * k + i] = kernel[i * n + j]!;
  const start = bias ?? new Float32Array(n);
  const step = () => denseRows(x.data, byOutput, start, out, rows, k, n);
  return { step, output: { data: out, shape: [...x.shape.slice(0, -1), n] } };
}

/**
 * out[r][j] = bias[j] + the sum over i of input[r][i] * weights[j][i], added in order of i, each product and sum
 * rounded to float32; four outputs at a time (independent sums: the same arithmetic, less waiting on each rounding).
 */
function denseRows(
  input: Float32Array,
  weights: Float32Array,
  bias: Float32Array,
  out: Float32Array,
  rows: number,
  k: number,
  n: number,
): void {
  for (let r = 0; r < rows; r++) {
    const from = r * k;
    const to = r * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let s0 = bias[j]!;
      let s1 = bias[j + 1]!;
      let s2 = bias[j + 2]!;
      let s3 = bias[j + 3]!;
      const w0 = j * k;
      const w1 = w0 + k;
      const w2 = w1 + k;
      const w3 = w2 + k;
      for (let i = 0; i < k; i++) {
        const v = input[from + i]!;
        s0 = f32(s0 + f32(v * weights[w0 + i]!));
        s1 = f32(s1 + f32(v * weights[w1 + i]!));
        s2 = f32(s2 + f32(v * weights[w2 + i]!));
        s3 = f32(s3 + f32(v * weights[w3 + i]!));
      }
      out[to + j] = s0;
      out[to + j + 1] = s1;
      out[to + j + 2] = s2;
      out[to + j + 3] = s3;
    }
    for (; j < n; j++) {
      let sum = bias[j]!;
      const w = j * k;
      for (let i = 0; i < k; i++) sum = f32(sum + f32(input[from + i]! * weights[w + i]!));
      out[to + j] = sum;
    }
  }
}

function leakyReluStep(alpha: number, x: Values) {
  const out = new Float32Array(x.data.length);
  const step = () => {
    const input = x.data;
    for (let i = 0; i < out.length; i++) {
      const v = input[i]!;
      out[i] = v < 0 ? f32(alpha * v) : v;
    }
  };
  return { step, output: { data: out, shape: x.shape } };
}

function addStep(inputs: readonly Values[]) {
  const [first, ...rest] = inputs;
  if (first === undefined || rest.some((v) => v.data.length !== first.data.length)) return undefined;
  const out = new Float32Array(first.data.length);
  const step = () => {
    out.set(first.data);
    for (const other of rest) for (let i = 0; i < out.length; i++) out[i] = f32(out[i]! + other.data[i]!);
  };
  return { step, output: { data: out, shape: first.shape } };
}

function concatenateStep(inputs: readonly Values[], axis: number) {
  const [first] = inputs;
  if (first === undefined) return undefined;
  const rank = first.shape.length;
  const at = axis < 0 ? rank + axis : axis - 1; // a positive axis counts the batch dimension
  if (at < 0 || at >= rank || inputs.some((v) => v.shape.length !== rank)) return undefined;
  const outer = size(first.shape.slice(0, at));
  if (inputs.some((v) => size(v.shape.slice(0, at)) !== outer)) return undefined;
  const inner = inputs.map((v) => size(v.shape.slice(at)));
  const shape = [...first.shape];
  shape[at] = inputs.reduce((sum, v) => sum + v.shape[at]!, 0);
  const out = new Float32Array(size(shape));
  const step = () => {
    let o = 0;
    for (let r = 0; r < outer; r++)
      for (let p = 0; p < inputs.length; p++) {
        const block = inner[p]!;
        const data = inputs[p]!.data;
        for (let i = r * block; i < (r + 1) * block; i++) out[o++] = data[i]!;
      }
  };
  return { step, output: { data: out, shape } };
}

function cropping2dStep(x: Values, cropping: number[][]) {
  const [height, width, channels] = x.shape as [number, number, number];
  const [[top, bottom], [left, right]] = cropping as [[number, number], [number, number]];
  if (x.shape.length !== 3) return undefined;
  const shape = [height - top - bottom, width - left - right, channels];
  const out = new Float32Array(size(shape));
  const rowValues = shape[1]! * channels;
  const step = () => {
    for (let r = 0; r < shape[0]!; r++) {
      const from = ((top + r) * width + left) * channels;
      out.set(x.data.subarray(from, from + rowValues), r * rowValues);
    }
  };
  return { step, output: { data: out, shape } };
}

/** [steps, channels] -> [channels]: each channel's values summed in step order, then divided by the step count. */
function meanOverStepsStep(x: Values) {
  if (x.shape.length !== 2) return undefined;
  const [steps, channels] = x.shape as [number, number];
  const out = new Float32Array(channels);
  const step = () => {
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let t = 0; t < steps; t++) sum = f32(sum + x.data[t * channels + c]!);
      out[c] = f32(sum / steps);
    }
  };
  return { step, output: { data: out, shape: [channels] } };
}

function repeatStep(x: Values, times: number) {
  if (x.shape.length !== 1) return undefined;
  const out = new Float32Array(x.data.length * times);
  const step = () => {
    for (let t = 0; t < times; t++) out.set(x.data, t * x.data.length);
  };
  return { step, output: { data: out, shape: [times, x.data.length] } };
}

/**
 * plainForwardPass when it gives `reference`'s output (the backend's forward pass) to the last bit on probe inputs
 * (values of every sign and size, and the model's own kind of input when given), else undefined.
 */
export function checkedPlainForwardPass(
  model: tf.LayersModel,
  reference: (x: tf.Tensor) => tf.Tensor,
  probes: readonly Float32Array[] = [],
): ((x: Float32Array) => Float32Array) | undefined {
  const plain = plainForwardPass(model);
  const shape = graphNodes(model)?.input.shape.slice(1) as number[] | undefined;
  if (plain === undefined || shape === undefined) return undefined;
  const length = size(shape);
  const made = [0.37, 1.3, 0.011].map((step, p) =>
    Float32Array.from({ length }, (_, i) => (3 * Math.sin(i * step + p)) ** (p + 1) / (1 + (i % 7))),
  );
  for (const probe of [...made, ...probes.filter((p) => p.length === length)]) {
    const expected = tf.tidy(() => reference(tf.tensor(probe, [1, ...shape])).dataSync());
    const got = plain(probe);
    if (got.length !== expected.length || !got.every((v, i) => Object.is(v, expected[i]))) return undefined;
  }
  return plain;
}

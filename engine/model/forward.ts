import * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-layers' graph a forward pass walks (public fields of its Container and Node classes). */
export interface GraphNode {
  readonly outboundLayer: tf.layers.Layer;
  readonly inputTensors: readonly { readonly id: number }[];
  readonly outputTensors: readonly { readonly id: number }[];
}
interface GraphTensor {
  readonly id: number;
  readonly shape: readonly (number | null)[];
}
interface Graph {
  readonly inputs: readonly GraphTensor[];
  readonly outputs: readonly { readonly id: number }[];
  readonly nodesByDepth?: Record<string, GraphNode[]>;
}

/**
 * A one-input, one-output layers model's nodes in the order tfjs-layers runs them (deepest first: each node after
 * those it reads), without the input layer; undefined for another kind of graph.
 */
export function graphNodes(
  model: tf.LayersModel,
): { input: GraphTensor; output: { readonly id: number }; nodes: GraphNode[] } | undefined {
  const graph = model as unknown as Graph;
  const [input, output] = [graph.inputs[0], graph.outputs[0]];
  if (graph.nodesByDepth === undefined || graph.inputs.length !== 1 || graph.outputs.length !== 1) return undefined;
  if (input === undefined || output === undefined) return undefined;
  const depths = Object.keys(graph.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  const nodes = depths
    .flatMap((depth) => graph.nodesByDepth?.[depth] ?? [])
    .filter((node) => node.outboundLayer.getClassName() !== "InputLayer");
  return { input, output, nodes };
}

/**
 * A one-input, one-output layers model's forward pass at inference: node by node (graphNodes' order), each layer's
 * call() on the tensors its node reads. The same kernels on
 * the same values as model.apply, without apply's bookkeeping around every layer (input checks, name scopes, the
 * feed dictionary): a small model of many layers, like the conductor, predicts in about three quarters of the time.
 * Undefined for a graph it does not walk. The caller disposes of the output; everything else is released.
 */
export function forwardPass(model: tf.LayersModel): ((x: tf.Tensor) => tf.Tensor) | undefined {
  const graph = graphNodes(model);
  if (graph === undefined) return undefined;
  const { input, output, nodes } = graph;
  return (x) =>
    tf.tidy(() => {
      const values = new Map<number, tf.Tensor>([[input.id, x]]);
      for (const node of nodes) {
        const inputs = node.inputTensors.map((t) => values.get(t.id));
        if (inputs.some((t) => t === undefined))
          throw new Error(`layer ${node.outboundLayer.name} ran before its input`);
        const called = node.outboundLayer.call(inputs.length === 1 ? inputs[0]! : (inputs as tf.Tensor[]), {
          training: false,
        });
        const outputs = Array.isArray(called) ? called : [called];
        for (const [i, t] of node.outputTensors.entries()) values.set(t.id, outputs[i]!);
      }
      const result = values.get(output.id);
      if (result === undefined) throw new Error("the model's output was never computed");
      return result;
    });
}

/**
 * forwardPass when it gives model.apply's output to the last bit on a test input (one sample, values of every sign
 * and size), else undefined (then use model.apply): a model built of layers whose call() and apply() differ keeps
 * apply's predictions.
 */
export function checkedForwardPass(model: tf.LayersModel): ((x: tf.Tensor) => tf.Tensor) | undefined {
  const forward = forwardPass(model);
  const shape = (model as unknown as Graph).inputs[0]?.shape.slice(1);
  if (forward === undefined || shape === undefined || shape.some((d) => d === null)) return undefined;
  const dims = [1, ...(shape as number[])];
  const probe = Float32Array.from({ length: tf.util.sizeFromShape(dims) }, (_, i) => 3 * Math.sin(i * 0.37) ** 3);
  const [direct, applied] = tf.tidy(() => {
    const x = tf.tensor(probe, dims);
    return [forward(x), model.apply(x, { training: false }) as tf.Tensor].map((t) => t.dataSync());
  });
  const same = direct!.length === applied!.length && direct!.every((v, i) => Object.is(v, applied![i]));
  return same ? forward : undefined;
}

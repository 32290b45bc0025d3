import { z } from "zod";
import { KerasImportError } from "./source.ts";

/**
 * The seed's Keras graph (model_architecture.py of the seed), read by position rather than by name: input t feeds
 * encoder unit t, output t is decoder unit t, and each unit is the chain Concatenate -> Reshape(W, w) -> Dense(1) ->
 * LeakyReLU -> Flatten -> K x (Dense -> LeakyReLU -> BatchNormalization) -> Dense(W) [-> LeakyReLU(alpha 1)].
 * Keras leaves the output Dense unnamed ("dense", "dense_1", ...), so it is found as the layer after the last
 * batch norm.
 */

const LayerSchema = z.object({
  class_name: z.string(),
  config: z.looseObject({ name: z.string() }),
  // Keras 2: one node per call, each a list of [layer name, node index, tensor index, kwargs].
  inbound_nodes: z.array(z.array(z.tuple([z.string(), z.number(), z.number()]).rest(z.unknown()))),
});

const FunctionalSchema = z.object({
  class_name: z.enum(["Functional", "Model"]),
  config: z.object({
    layers: z.array(LayerSchema),
    input_layers: z.array(z.tuple([z.string(), z.number(), z.number()])),
    output_layers: z.array(z.tuple([z.string(), z.number(), z.number()])),
  }),
});

export type KerasLayer = z.infer<typeof LayerSchema>;

/** The Keras layers of one unit of the seed, by role; `output` is the unnamed output Dense. */
export interface KerasUnit {
  /** The project's prefix: "encoder_3", "context", "decoder_0". */
  readonly prefix: string;
  readonly relation: KerasLayer;
  readonly hidden: readonly { readonly dense: KerasLayer; readonly norm: KerasLayer }[];
  readonly output: KerasLayer;
  /** Frames the relation step reads (w). */
  readonly frames: number;
  readonly relationAlpha: number;
  readonly hiddenAlphas: readonly number[];
}

export interface KerasSeedGraph {
  readonly sampleRate: number;
  readonly units: readonly KerasUnit[];
  readonly encoderSteps: number;
  readonly decoderSteps: number;
}

/** Parses `model_config` and checks it is the seed's graph, naming the first layer that is not. */
export function readSeedGraph(modelConfig: unknown, source: string): KerasSeedGraph {
  const parsed = FunctionalSchema.safeParse(modelConfig);
  if (!parsed.success) {
    throw new KerasImportError(
      `${source}: model_config is not a Keras 2 functional model (saved by TensorFlow 2.15 or older): ` +
        `${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`,
    );
  }
  const graph = indexGraph(parsed.data.config.layers);
  const inputs = parsed.data.config.input_layers.map(([name]) => name);
  const outputs = parsed.data.config.output_layers.map(([name]) => name);
  const fail = (message: string): never => {
    throw new KerasImportError(`${source}: not the seed's architecture: ${message}`);
  };
  if (inputs.length === 0 || outputs.length === 0) fail("the model has no inputs or no outputs");
  const sampleRate = inputWidth(graph.layer(inputs[0]!), fail);
  const readUnit = (prefix: string, frames: string[], expectEnd?: string): [KerasUnit, string] => {
    const concat = graph
      .consumers(frames[frames.length - 1]!)
      .find((layer) => layer.class_name === "Concatenate" && sameList(inboundNames(layer), frames));
    if (concat === undefined) fail(`no Concatenate of [${frames.join(", ")}] for unit ${prefix}`);
    const [unit, end] = readChain(graph, concat!, prefix, frames.length, sampleRate, fail);
    if (expectEnd !== undefined && end !== expectEnd) {
      fail(`unit ${prefix} ends at layer "${end}", but the model's output ${prefix.split("_")[1]} is "${expectEnd}"`);
    }
    return [unit, end];
  };

  const units: KerasUnit[] = [];
  const states: string[] = [];
  inputs.forEach((x, t) => {
    const [unit, end] = readUnit(`encoder_${t}`, t === 0 ? [x, x] : [...states, x]);
    units.push(unit);
    states.push(end);
  });
  const [context, c] = readUnit("context", states);
  units.push(context);
  const decoded: string[] = [];
  outputs.forEach((o, t) => {
    const [unit, end] = readUnit(`decoder_${t}`, t === 0 ? [c, c] : [...decoded, c], o);
    units.push(unit);
    decoded.push(end);
  });
  return { sampleRate, units, encoderSteps: inputs.length, decoderSteps: outputs.length };
}

interface IndexedGraph {
  layer(name: string): KerasLayer | undefined;
  consumers(name: string): KerasLayer[];
}

function indexGraph(layers: readonly KerasLayer[]): IndexedGraph {
  const byName = new Map(layers.map((layer) => [layer.config.name, layer]));
  const consumers = new Map<string, KerasLayer[]>();
  for (const layer of layers) {
    for (const name of new Set(inboundNames(layer))) consumers.set(name, [...(consumers.get(name) ?? []), layer]);
  }
  return { layer: (name) => byName.get(name), consumers: (name) => consumers.get(name) ?? [] };
}

const inboundNames = (layer: KerasLayer): string[] => (layer.inbound_nodes[0] ?? []).map(([name]) => name);
const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function inputWidth(layer: KerasLayer | undefined, fail: (message: string) => never): number {
  const shape = layer?.config.batch_input_shape;
  if (
    layer?.class_name !== "InputLayer" ||
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    typeof shape[1] !== "number"
  ) {
    return fail(`the first input should be an InputLayer of shape [null, sample rate], got ${JSON.stringify(shape)}`);
  }
  return shape[1];
}

/**
 * Reads one unit from its Concatenate: Reshape(W, w), Dense(1), LeakyReLU, Flatten, K x (Dense, LeakyReLU,
 * BatchNormalization), Dense(W) and an optional LeakyReLU(alpha 1). Returns the unit and the name of its last layer.
 */
function readChain(
  graph: IndexedGraph,
  concat: KerasLayer,
  prefix: string,
  frames: number,
  sampleRate: number,
  fail: (message: string) => never,
): [KerasUnit, string] {
  const chain: KerasLayer[] = [];
  let next = graph.consumers(concat.config.name);
  while (next.length === 1 && next[0]!.class_name !== "Concatenate") {
    chain.push(next[0]!);
    next = graph.consumers(next[0]!.config.name);
  }
  const expect = (index: number, className: string, what: string): KerasLayer => {
    const layer = chain[index];
    if (layer?.class_name !== className) {
      fail(
        `unit ${prefix}: expected ${className} (${what}) after "${chain[index - 1]?.config.name ?? concat.config.name}", got ${layer ? `${layer.class_name} "${layer.config.name}"` : "nothing"}`,
      );
    }
    return layer!;
  };
  const reshape = expect(0, "Reshape", `to [${sampleRate}, ${frames}]`);
  if (JSON.stringify(reshape.config.target_shape) !== JSON.stringify([sampleRate, frames])) {
    fail(
      `unit ${prefix}: Reshape "${reshape.config.name}" targets ${JSON.stringify(reshape.config.target_shape)}, ` +
        `expected [${sampleRate}, ${frames}]`,
    );
  }
  const relation = expect(1, "Dense", "the relation step's Dense(1)");
  const relationAlpha = alphaOf(expect(2, "LeakyReLU", "the relation step's activation"));
  expect(3, "Flatten", "the relation step's flatten");
  const hidden: { dense: KerasLayer; norm: KerasLayer }[] = [];
  const hiddenAlphas: number[] = [];
  let i = 4;
  while (chain[i + 2]?.class_name === "BatchNormalization") {
    hidden.push({ dense: expect(i, "Dense", "a hidden block"), norm: chain[i + 2]! });
    hiddenAlphas.push(alphaOf(expect(i + 1, "LeakyReLU", "a hidden block's activation")));
    i += 3;
  }
  if (hidden.length === 0) fail(`unit ${prefix}: no hidden Dense -> LeakyReLU -> BatchNormalization block`);
  const output = expect(i, "Dense", `the output Dense(${sampleRate})`);
  const tail = chain[i + 1];
  if (tail !== undefined && (tail.class_name !== "LeakyReLU" || alphaOf(tail) !== 1 || chain.length > i + 2)) {
    fail(
      `unit ${prefix}: after the output Dense "${output.config.name}" expected nothing or LeakyReLU(alpha=1), got ${tail.class_name} "${tail.config.name}"`,
    );
  }
  for (const dense of [relation, ...hidden.map((h) => h.dense), output]) {
    if ((dense.config.activation ?? "linear") !== "linear" || dense.config.use_bias === false) {
      fail(
        `unit ${prefix}: Dense "${dense.config.name}" must be linear with a bias (activation ${String(dense.config.activation)})`,
      );
    }
  }
  const end = (tail ?? output).config.name;
  return [{ prefix, relation, hidden, output, frames, relationAlpha, hiddenAlphas }, end];
}

/** A LeakyReLU's slope; Keras writes the float32 it holds (0.4 as 0.4000000059604645), so it is read at float32 precision. */
const alphaOf = (layer: KerasLayer): number => {
  const alpha = layer.config.alpha ?? layer.config.negative_slope;
  return typeof alpha === "number" ? Number(alpha.toPrecision(7)) : 0.3; // 0.3: Keras 2's LeakyReLU default
};

import * as tf from "@tensorflow/tfjs";
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { buildModel, countParameters } from "../build.ts";
import { type ModelConfig, parseModelConfig } from "../config.ts";
import { type LoadedModel, MODEL_JSON, META_JSON, makeMeta, saveModel } from "../io.ts";
import { readSeedGraph, type KerasLayer, type KerasSeedGraph } from "./graph.ts";
import { openKerasHdf5 } from "./hdf5.ts";
import { KerasImportError, type KerasSource, type KerasWeight } from "./source.ts";
import { openConverterDir } from "./tfjs-dir.ts";
import { disposeModel } from "../dispose.ts";

/** Keras's and tfjs's BatchNormalization epsilon; build.ts relies on the default. */
const BATCH_NORM_EPSILON = 1e-3;

/** Opens a Keras .h5 file, or a folder written by tensorflowjs_converter (it holds model.json). */
export async function openKerasSource(source: string): Promise<KerasSource> {
  return (await stat(source)).isDirectory() ? openConverterDir(source) : openKerasHdf5(source);
}

/**
 * Reads a Keras-trained seed model (the seed's model_architecture.py, any sample rate and hidden widths) into the
 * project's encoder–decoder with relationLayout "interleaved": the same function, with one [batch, 20, W] input
 * instead of Keras's 20 inputs of [batch, W]. Its harmonizer.json says "no normalisation": the seed feeds raw samples.
 * Build it on the "cpu" backend for a large model: its weights then live in the JS heap, not WASM's 4 GB.
 */
export async function importKerasModel(source: string): Promise<LoadedModel> {
  const keras = await openKerasSource(source);
  try {
    const graph = readSeedGraph(keras.modelConfig, keras.description);
    const config = seedConfig(graph, keras.description);
    const model = buildModel(config);
    try {
      copyWeights(keras, graph, model);
    } catch (error) {
      disposeModel(model);
      throw error;
    }
    const imported = { from: path.basename(source), format: keras.format };
    const meta = makeMeta(config, { normalisation: "none", imported });
    return { model, config, meta };
  } finally {
    keras.close();
  }
}

/** The project config of a seed graph; refuses what build.ts cannot express (unequal widths, alphas, epsilon). */
function seedConfig(graph: KerasSeedGraph, source: string): ModelConfig {
  const [first] = graph.units;
  const widths = first!.hidden.map((block) => Number(block.dense.config.units));
  const norm = first!.hidden[0]!.norm.config;
  for (const unit of graph.units) {
    const unitWidths = unit.hidden.map((block) => Number(block.dense.config.units));
    if (unitWidths.join() !== widths.join()) {
      throw new KerasImportError(
        `${source}: unit ${unit.prefix} has hidden widths [${unitWidths}], unit ${first!.prefix} [${widths}]; ` +
          "the seed's units all have the same widths",
      );
    }
    const alphas = [first!.relationAlpha, ...first!.hiddenAlphas];
    if ([unit.relationAlpha, ...unit.hiddenAlphas].some((alpha, i) => alpha !== alphas[i])) {
      throw new KerasImportError(
        `${source}: unit ${unit.prefix}'s LeakyReLU slopes differ from unit ${first!.prefix}'s`,
      );
    }
    for (const { norm: layer } of unit.hidden) {
      if (Math.abs(Number(layer.config.epsilon ?? BATCH_NORM_EPSILON) - BATCH_NORM_EPSILON) > 1e-12) {
        throw new KerasImportError(
          `${source}: BatchNormalization "${layer.config.name}" has epsilon ${String(layer.config.epsilon)}; ` +
            `only ${BATCH_NORM_EPSILON} (the Keras default the seed uses) is supported`,
        );
      }
    }
  }
  try {
    return parseModelConfig({
      sampleRate: graph.sampleRate,
      encoderSteps: graph.encoderSteps,
      decoderSteps: graph.decoderSteps,
      hiddenUnits: widths,
      relationAlpha: first!.relationAlpha,
      hiddenAlpha: first!.hiddenAlphas[0]!,
      shareWeights: false,
      relationLayout: "interleaved",
      batchNormMomentum: Number(norm.momentum ?? 0.99),
    });
  } catch (error) {
    throw new KerasImportError(`${source}: the model's shape is outside what the project supports: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Weight names Keras gives each kind of layer, in the order tfjs's layer.setWeights takes them. */
const WEIGHT_ORDER: Readonly<Record<string, readonly string[]>> = {
  Dense: ["kernel", "bias"],
  BatchNormalization: ["gamma", "beta", "moving_mean", "moving_variance"],
};

/** Copies every Keras layer's weights into its project layer, checking each shape; refuses weights left over. */
function copyWeights(keras: KerasSource, graph: KerasSeedGraph, model: tf.LayersModel): void {
  const used = new Set<string>();
  const copy = (from: KerasLayer, to: string): void => {
    const target = model.getLayer(to);
    const weights = pickWeights(keras.weights(from.config.name), from, keras.description);
    const tensors = weights.map((weight, i) => {
      const expected = target.weights[i]!.shape;
      if (weight.shape.join() !== expected.join()) {
        throw new KerasImportError(
          `${keras.description}: layer "${from.config.name}" weight ${weight.name} has shape [${weight.shape}], ` +
            `expected [${expected}] (the seed's architecture at ${graph.sampleRate} Hz; project layer ${to})`,
        );
      }
      return tf.tensor(weight.values, [...weight.shape]);
    });
    target.setWeights(tensors);
    tf.dispose(tensors);
    used.add(from.config.name);
  };
  for (const unit of graph.units) {
    copy(unit.relation, `${unit.prefix}_relation`);
    unit.hidden.forEach((block, k) => {
      copy(block.dense, `${unit.prefix}_hidden${k}_dense`);
      copy(block.norm, `${unit.prefix}_hidden${k}_norm`);
    });
    copy(unit.output, `${unit.prefix}_output`);
  }
  const unused = keras.weightedLayers().filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw new KerasImportError(
      `${keras.description}: ${unused.length} layer(s) with weights are not part of the seed's architecture ` +
        `(${unused.slice(0, 5).join(", ")}${unused.length > 5 ? ", ..." : ""}); the seed has ${used.size} weighted layers`,
    );
  }
}

/** The layer's weights in tfjs's order, found by their Keras names ("…/kernel:0" or "…/kernel"). */
function pickWeights(weights: readonly KerasWeight[], layer: KerasLayer, source: string): KerasWeight[] {
  const order = WEIGHT_ORDER[layer.class_name] ?? [];
  return order.map((role) => {
    const found = weights.find((w) => new RegExp(`(^|/)${role}(:\\d+)?$`).test(w.name));
    if (found === undefined) {
      throw new KerasImportError(
        `${source}: layer "${layer.config.name}" (${layer.class_name}) has no ${role} weight ` +
          `(it has ${weights.length === 0 ? "no weights" : weights.map((w) => w.name).join(", ")})`,
      );
    }
    return found;
  });
}

/** Files a saved model occupies in its folder: model.json, harmonizer.json and the weight shards. */
const isModelFile = (name: string): boolean =>
  name === MODEL_JSON || name === META_JSON || /^group\d+-shard\d+of\d+\.bin$/.test(name);

/** The model files already in dir (none when dir does not exist), sorted. */
export async function modelFilesIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter(isModelFile).sort();
}

export interface ImportSummary {
  readonly parameters: number;
  readonly config: ModelConfig;
}

/**
 * import-keras: reads the Keras model, then removes `replace` (the files of an earlier model in outDir, so none of its
 * shards is left beside the new ones) and writes the project model into outDir. Nothing is removed if the import fails.
 */
export async function importKerasToDir(
  source: string,
  outDir: string,
  replace: readonly string[] = [],
): Promise<ImportSummary> {
  const loaded = await importKerasModel(source);
  try {
    await Promise.all(replace.map((name) => rm(path.join(outDir, name), { force: true })));
    await saveModel(loaded.model, outDir, loaded.meta);
    return { parameters: countParameters(loaded.model), config: loaded.config };
  } finally {
    disposeModel(loaded.model);
  }
}

import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config.ts";

/**
 * The seed encoder–decoder (MODEL.md) with the tfjs layers functional API, standard layers only
 * (so a saved model loads without custom layer registration).
 *
 * Input  [batch, encoderSteps, sampleRate]: the context frames X0..X(encoderSteps-1).
 * Output [batch, decoderSteps, sampleRate]: the predicted frames D0..D(decoderSteps-1).
 *
 * One unit = relation step (frames stacked as columns [sampleRate, w] -> Dense(1) -> LeakyReLU(relationAlpha)
 * -> [sampleRate]) + hidden blocks (Dense(n) -> LeakyReLU(hiddenAlpha) -> BatchNorm) + Dense(sampleRate), linear.
 * Encoder t=0 reads [X0, X0], t>=1 [S0..S(t-1), Xt]; the context unit reads [S0..S(last)];
 * decoder t=0 reads [C, C], t>=1 [D0..D(t-1), C].
 */
export function buildModel(config: ModelConfig): tf.LayersModel {
  const { sampleRate, encoderSteps, decoderSteps } = config;
  const input = tf.input({ shape: [encoderSteps, sampleRate], name: "context_frames" });
  const asImage = tf.layers
    .reshape({ targetShape: [encoderSteps, sampleRate, 1], name: "frames_as_rows" })
    .apply(input) as tf.SymbolicTensor;

  /** [batch, sampleRate, 1]: frame t of the input. */
  const inputFrame = (t: number): tf.SymbolicTensor => {
    const row = tf.layers
      .cropping2D({ cropping: [[t, encoderSteps - 1 - t], [0, 0]], name: `x${t}_crop` })
      .apply(asImage) as tf.SymbolicTensor;
    return tf.layers.reshape({ targetShape: [sampleRate, 1], name: `x${t}_column` }).apply(row) as tf.SymbolicTensor;
  };

  /** [batch, sampleRate] -> [batch, sampleRate, 1] */
  const asColumn = (frame: tf.SymbolicTensor, name: string): tf.SymbolicTensor =>
    tf.layers.reshape({ targetShape: [sampleRate, 1], name }).apply(frame) as tf.SymbolicTensor;

  const encoderUnit = config.shareWeights ? makeUnitBody(config, "encoder") : undefined;
  const decoderUnit = config.shareWeights ? makeUnitBody(config, "decoder") : undefined;
  const contextUnit = makeUnitBody(config, "context");

  const encoderColumns: tf.SymbolicTensor[] = [];
  for (let t = 0; t < encoderSteps; t++) {
    const x = inputFrame(t);
    // [X0, X0]: a second, distinct view of X0 (tfjs-layers mis-counts a tensor fed twice into one layer).
    const columns = t === 0 ? [x, asColumn(x, "x0_twin")] : [...encoderColumns, x];
    const body = encoderUnit ?? makeUnitBody(config, `encoder_${t}`);
    const s = body(relationStep(config, columns, `encoder_${t}`), `encoder_${t}`);
    encoderColumns.push(asColumn(s, `s${t}_column`));
  }

  const c = contextUnit(relationStep(config, encoderColumns, "context"), "context");
  const cColumn = asColumn(c, "c_column");

  const decoderColumns: tf.SymbolicTensor[] = [];
  const decoderRows: tf.SymbolicTensor[] = [];
  for (let t = 0; t < decoderSteps; t++) {
    const columns = t === 0 ? [cColumn, asColumn(c, "c_twin")] : [...decoderColumns, cColumn];
    const body = decoderUnit ?? makeUnitBody(config, `decoder_${t}`);
    const d = body(relationStep(config, columns, `decoder_${t}`), `decoder_${t}`);
    decoderColumns.push(asColumn(d, `d${t}_column`));
    decoderRows.push(tf.layers.reshape({ targetShape: [1, sampleRate], name: `d${t}_row` }).apply(d) as tf.SymbolicTensor);
  }
  const output =
    decoderRows.length === 1
      ? decoderRows[0]!
      : (tf.layers.concatenate({ axis: 1, name: "predicted_frames" }).apply(decoderRows) as tf.SymbolicTensor);
  return tf.model({ inputs: input, outputs: output, name: "seed_encoder_decoder" });
}

/**
 * Relation step: columns [batch, sampleRate, 1] x w -> [batch, sampleRate, w] -> Dense(1) -> LeakyReLU
 * -> [batch, sampleRate]. A learned weighted sum over the w frames at each sample position (w+1 weights).
 */
function relationStep(config: ModelConfig, columns: tf.SymbolicTensor[], prefix: string): tf.SymbolicTensor {
  const stacked =
    columns.length === 1
      ? columns[0]!
      : (tf.layers.concatenate({ axis: -1, name: `${prefix}_stack` }).apply(columns) as tf.SymbolicTensor);
  const weighted = tf.layers.dense({ units: 1, name: `${prefix}_relation` }).apply(stacked);
  const activated = tf.layers
    .leakyReLU({ alpha: config.relationAlpha, name: `${prefix}_relation_act` })
    .apply(weighted);
  return tf.layers.flatten({ name: `${prefix}_relation_flat` }).apply(activated) as tf.SymbolicTensor;
}

/**
 * Hidden blocks + output layer of one unit: [batch, sampleRate] -> [batch, sampleRate]. The Dense layers belong to the
 * unit (reused at every step when weights are shared); the batch norm belongs to the step (`stepPrefix`): a shared
 * batch norm would keep one set of moving statistics for all 20 encoder steps, whose activations differ, and predict
 * with statistics that fit none of them (per-step statistics as in recurrent batch normalization, Cooijmans et al. 2016).
 */
function makeUnitBody(config: ModelConfig, prefix: string): (x: tf.SymbolicTensor, stepPrefix: string) => tf.SymbolicTensor {
  const dense = config.hiddenUnits.map((units, i) => tf.layers.dense({ units, name: `${prefix}_hidden${i}_dense` }));
  const output = tf.layers.dense({ units: config.sampleRate, name: `${prefix}_output` });
  const layerNorms =
    config.normalization === "layer"
      ? config.hiddenUnits.map((_, i) => tf.layers.layerNormalization({ name: `${prefix}_hidden${i}_layer_norm` }))
      : undefined;
  return (x, stepPrefix) => {
    let h = x;
    config.hiddenUnits.forEach((_, i) => {
      h = dense[i]!.apply(h) as tf.SymbolicTensor;
      h = tf.layers.leakyReLU({ alpha: config.hiddenAlpha, name: `${stepPrefix}_hidden${i}_act` }).apply(h) as tf.SymbolicTensor;
      const norm =
        layerNorms?.[i] ??
        tf.layers.batchNormalization({ momentum: config.batchNormMomentum ?? 0.99, name: `${stepPrefix}_hidden${i}_norm` });
      h = norm.apply(h) as tf.SymbolicTensor;
    });
    return output.apply(h) as tf.SymbolicTensor;
  };
}

/** Number of weights (trainable and not, e.g. batch-norm moving statistics) of a built model. */
export function countParameters(model: tf.LayersModel): number {
  return model.countParams();
}

/** Dense parameters of one unit: hidden Dense layers + output Dense. */
function unitDenseParameters(config: ModelConfig): number {
  let inputs = config.sampleRate;
  let total = 0;
  for (const units of config.hiddenUnits) {
    total += inputs * units + units;
    inputs = units;
  }
  return total + inputs * config.sampleRate + config.sampleRate;
}

/**
 * Normalisation parameters of one set of hidden blocks: batch norm has 4 per hidden feature (gamma, beta, moving mean,
 * moving variance), layer norm 2 (gamma, beta).
 */
function normParameters(config: ModelConfig): number {
  return (config.normalization === "layer" ? 2 : 4) * config.hiddenUnits.reduce((a, b) => a + b, 0);
}

/** Parameters of one unit without its relation step: hidden blocks (Dense + normalisation) + output Dense. */
export function unitBodyParameters(config: ModelConfig): number {
  return unitDenseParameters(config) + normParameters(config);
}

/** Relation-step parameters of all steps: a Dense(1) over w stacked frames has w+1 weights. */
export function relationParameters(config: ModelConfig): number {
  const widths = [
    ...Array.from({ length: config.encoderSteps }, (_, t) => (t === 0 ? 2 : t + 1)),
    config.encoderSteps,
    ...Array.from({ length: config.decoderSteps }, (_, t) => (t === 0 ? 2 : t + 1)),
  ];
  return widths.reduce((sum, w) => sum + w + 1, 0);
}

/** Number of distinct units (each with its own hidden blocks and output layer). */
export function unitCount(config: ModelConfig): number {
  return config.shareWeights ? 3 : config.encoderSteps + 1 + config.decoderSteps;
}

/** Parameter count computed from the config alone (no weights allocated; equals countParameters(buildModel(config))). */
export function parameterCount(config: ModelConfig): number {
  // Batch norm belongs to the time step (see makeUnitBody); layer norm, with no running statistics, to the unit.
  const normSets = config.normalization === "layer" ? unitCount(config) : config.encoderSteps + 1 + config.decoderSteps;
  return unitCount(config) * unitDenseParameters(config) + normSets * normParameters(config) + relationParameters(config);
}

export interface ModelDescription {
  readonly preset?: string;
  readonly parameters: number;
  /** Megabytes of float32 weights. */
  readonly weightMegabytes: number;
  readonly units: number;
  /** Human-readable lines for `harmonizer info`. */
  readonly summary: readonly string[];
}

/** What a config builds, without building it (the seed would take ~25 s and ~3 GB). */
export function describeModel(config: ModelConfig, preset?: string): ModelDescription {
  const parameters = parameterCount(config);
  const units = unitCount(config);
  const body = unitBodyParameters(config);
  const hidden = config.hiddenUnits
    .map((n) => `Dense(${n}) -> LeakyReLU(${config.hiddenAlpha}) -> ${config.normalization === "layer" ? "LayerNorm" : "BatchNorm"}`)
    .join(" -> ");
  const sharing = config.shareWeights
    ? `1 encoder, 1 context and 1 decoder unit, each reused across its time steps${config.normalization === "layer" ? "" : " (batch norm per step)"}`
    : `${config.encoderSteps} encoder, 1 context and ${config.decoderSteps} decoder units, each with its own weights`;
  const summary = [
    `model${preset ? ` (preset ${preset})` : ""}: seed encoder-decoder, ${parameters.toLocaleString("en-US")} parameters (${(
      (parameters * 4) / 1e6
    ).toFixed(1)} MB float32)`,
    `audio: mono ${config.sampleRate} Hz, frame = 1 s = ${config.sampleRate} samples`,
    `input: ${config.encoderSteps} frames (${config.encoderSteps} s); output: ${config.decoderSteps} frames (${config.decoderSteps} s)`,
    `units: ${sharing}`,
    `unit: relation Dense(1) over stacked frames -> LeakyReLU(${config.relationAlpha}) -> ${hidden} -> Dense(${config.sampleRate}) linear`,
    config.normalization === "layer" ? "normalisation: layer norm" : `batch norm momentum: ${config.batchNormMomentum ?? 0.99}`,
    `per unit: ${body.toLocaleString("en-US")} parameters; relation steps: ${relationParameters(config)} in all`,
  ];
  return {
    ...(preset === undefined ? {} : { preset }),
    parameters,
    weightMegabytes: (parameters * 4) / 1e6,
    units,
    summary,
  };
}

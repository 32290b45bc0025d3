import * as tf from "@tensorflow/tfjs";
import { frameWidth, isFeatureModel, type ModelConfig, relationLayout } from "./config.ts";

/**
 * The seed encoder–decoder (docs/model.md) with the tfjs layers functional API, standard layers only
 * (so a saved model loads without custom layer registration). W = frameWidth(config): sampleRate samples for an
 * audio model, featureSize values for a feature model (the conductor).
 *
 * Input  [batch, encoderSteps, W]: the context frames X0..X(encoderSteps-1).
 * Output [batch, decoderSteps, W]: the predicted frames D0..D(decoderSteps-1) (plus the mean of X0..X(last) in
 * every frame with residual "context-mean").
 *
 * One unit = relation step (w frames arranged as [W, w] by relationLayout -> Dense(1) -> LeakyReLU(relationAlpha)
 * -> [W]) + hidden blocks (Dense(n) -> LeakyReLU(hiddenAlpha) -> BatchNorm) + Dense(W), linear (plus the relation
 * step's output with unitSkip).
 * Encoder t=0 reads [X0, X0], t>=1 [S0..S(t-1), Xt]; the context unit reads [S0..S(last)];
 * decoder t=0 reads [C, C], t>=1 [D0..D(t-1), C].
 */
export function buildModel(config: ModelConfig): tf.LayersModel {
  const { encoderSteps, decoderSteps } = config;
  const width = frameWidth(config); // values per frame
  const interleaved = relationLayout(config) === "interleaved";
  // What the relation step takes: columns [batch, W, 1], or flat frames [batch, W] that it concatenates.
  const frameShape = interleaved ? [width] : [width, 1];
  const input = tf.input({ shape: [encoderSteps, width], name: "context_frames" });
  const asImage = tf.layers
    .reshape({ targetShape: [encoderSteps, width, 1], name: "frames_as_rows" })
    .apply(input) as tf.SymbolicTensor;

  /** [batch, W] or [batch, W, 1] -> a relation-step frame (a distinct tensor, also when the shape is already right). */
  const asFrame = (frame: tf.SymbolicTensor, name: string): tf.SymbolicTensor =>
    tf.layers.reshape({ targetShape: frameShape, name }).apply(frame) as tf.SymbolicTensor;
  /** A unit's output [batch, W] as a relation-step frame (no layer when the step takes flat frames). */
  const outputFrame = (frame: tf.SymbolicTensor, name: string): tf.SymbolicTensor =>
    interleaved ? frame : asFrame(frame, name);

  /** Frame t of the input, as the relation step takes it. */
  const inputFrame = (t: number): tf.SymbolicTensor => {
    const row = tf.layers
      .cropping2D({
        cropping: [
          [t, encoderSteps - 1 - t],
          [0, 0],
        ],
        name: `x${t}_crop`,
      })
      .apply(asImage) as tf.SymbolicTensor;
    return asFrame(row, interleaved ? `x${t}_frame` : `x${t}_column`);
  };

  const encoderUnit = config.shareWeights ? makeUnitBody(config, "encoder") : undefined;
  const decoderUnit = config.shareWeights ? makeUnitBody(config, "decoder") : undefined;
  const contextUnit = makeUnitBody(config, "context");

  const encoderColumns: tf.SymbolicTensor[] = [];
  for (let t = 0; t < encoderSteps; t++) {
    const x = inputFrame(t);
    // [X0, X0]: a second, distinct view of X0 (tfjs-layers mis-counts a tensor fed twice into one layer).
    const columns = t === 0 ? [x, asFrame(x, "x0_twin")] : [...encoderColumns, x];
    const body = encoderUnit ?? makeUnitBody(config, `encoder_${t}`);
    const s = body(relationStep(config, columns, `encoder_${t}`), `encoder_${t}`);
    encoderColumns.push(outputFrame(s, `s${t}_column`));
  }

  const c = contextUnit(relationStep(config, encoderColumns, "context"), "context");
  const cColumn = outputFrame(c, "c_column");

  const decoderColumns: tf.SymbolicTensor[] = [];
  const decoderRows: tf.SymbolicTensor[] = [];
  for (let t = 0; t < decoderSteps; t++) {
    const columns = t === 0 ? [cColumn, asFrame(c, "c_twin")] : [...decoderColumns, cColumn];
    const body = decoderUnit ?? makeUnitBody(config, `decoder_${t}`);
    const d = body(relationStep(config, columns, `decoder_${t}`), `decoder_${t}`);
    decoderColumns.push(outputFrame(d, `d${t}_column`));
    decoderRows.push(tf.layers.reshape({ targetShape: [1, width], name: `d${t}_row` }).apply(d) as tf.SymbolicTensor);
  }
  const decoded =
    decoderRows.length === 1
      ? decoderRows[0]!
      : (tf.layers.concatenate({ axis: 1, name: "predicted_frames" }).apply(decoderRows) as tf.SymbolicTensor);
  const output = config.residual === "context-mean" ? addContextMean(config, input, decoded) : decoded;
  return tf.model({
    inputs: input,
    outputs: output,
    name: isFeatureModel(config) ? "conductor" : "seed_encoder_decoder",
  });
}

/**
 * The weightless skip of residual "context-mean": input [batch, encoderSteps, W] -> mean over the frames [batch, W]
 * -> repeated [batch, decoderSteps, W], added to the decoder's frames [batch, decoderSteps, W].
 */
function addContextMean(config: ModelConfig, input: tf.SymbolicTensor, decoded: tf.SymbolicTensor): tf.SymbolicTensor {
  const mean = tf.layers.globalAveragePooling1d({ name: "context_mean" }).apply(input) as tf.SymbolicTensor;
  const repeated = tf.layers
    .repeatVector({ n: config.decoderSteps, name: "context_mean_repeated" })
    .apply(mean) as tf.SymbolicTensor;
  return tf.layers.add({ name: "predicted_frames_plus_mean" }).apply([decoded, repeated]) as tf.SymbolicTensor;
}

/**
 * Relation step: w frames -> [batch, W, w] -> Dense(1) -> LeakyReLU -> [batch, W]. A learned weighted sum (w+1
 * weights) over each row: with layout "columns" the frames [batch, W, 1] are stacked side by side, so a row is one
 * sample position of every frame; with "interleaved" the flat frames [batch, W] are concatenated to [batch, w * W]
 * and reshaped to [batch, W, w] as the seed's Keras code does, so a row is w consecutive values of the concatenation.
 */
function relationStep(config: ModelConfig, frames: tf.SymbolicTensor[], prefix: string): tf.SymbolicTensor {
  const interleaved = relationLayout(config) === "interleaved";
  const joined =
    frames.length === 1
      ? frames[0]!
      : (tf.layers.concatenate({ axis: -1, name: `${prefix}_stack` }).apply(frames) as tf.SymbolicTensor);
  const stacked = interleaved
    ? (tf.layers
        .reshape({ targetShape: [frameWidth(config), frames.length], name: `${prefix}_interleave` })
        .apply(joined) as tf.SymbolicTensor)
    : joined;
  const weighted = tf.layers.dense({ units: 1, name: `${prefix}_relation` }).apply(stacked);
  const activated = tf.layers
    .leakyReLU({ alpha: config.relationAlpha, name: `${prefix}_relation_act` })
    .apply(weighted);
  return tf.layers.flatten({ name: `${prefix}_relation_flat` }).apply(activated) as tf.SymbolicTensor;
}

/**
 * Hidden blocks + output layer of one unit: [batch, W] -> [batch, W]. The Dense layers belong to the
 * unit (reused at every step when weights are shared); the batch norm belongs to the step (`stepPrefix`): a shared
 * batch norm would keep one set of moving statistics for all 20 encoder steps, whose activations differ, and predict
 * with statistics that fit none of them (per-step statistics as in recurrent batch normalization, Cooijmans et al. 2016).
 */
function makeUnitBody(
  config: ModelConfig,
  prefix: string,
): (x: tf.SymbolicTensor, stepPrefix: string) => tf.SymbolicTensor {
  const dense = config.hiddenUnits.map((units, i) => tf.layers.dense({ units, name: `${prefix}_hidden${i}_dense` }));
  const output = tf.layers.dense({ units: frameWidth(config), name: `${prefix}_output` });
  const layerNorms =
    config.normalization === "layer"
      ? config.hiddenUnits.map((_, i) => tf.layers.layerNormalization({ name: `${prefix}_hidden${i}_layer_norm` }))
      : undefined;
  return (x, stepPrefix) => {
    let h = x;
    config.hiddenUnits.forEach((_, i) => {
      h = dense[i]!.apply(h) as tf.SymbolicTensor;
      h = tf.layers
        .leakyReLU({ alpha: config.hiddenAlpha, name: `${stepPrefix}_hidden${i}_act` })
        .apply(h) as tf.SymbolicTensor;
      if (config.normalization === "none") return;
      const norm =
        layerNorms?.[i] ??
        tf.layers.batchNormalization({
          momentum: config.batchNormMomentum ?? 0.99,
          name: `${stepPrefix}_hidden${i}_norm`,
        });
      h = norm.apply(h) as tf.SymbolicTensor;
    });
    const out = output.apply(h) as tf.SymbolicTensor;
    return config.unitSkip === true
      ? (tf.layers.add({ name: `${stepPrefix}_skip` }).apply([x, out]) as tf.SymbolicTensor)
      : out;
  };
}

/** Number of weights (trainable and not, e.g. batch-norm moving statistics) of a built model. */
export function countParameters(model: tf.LayersModel): number {
  return model.countParams();
}

/** Dense parameters of one unit: hidden Dense layers + output Dense. */
function unitDenseParameters(config: ModelConfig): number {
  const width = frameWidth(config);
  let inputs = width;
  let total = 0;
  for (const units of config.hiddenUnits) {
    total += inputs * units + units;
    inputs = units;
  }
  return total + inputs * width + width;
}

/**
 * Normalisation parameters of one set of hidden blocks: batch norm has 4 per hidden feature (gamma, beta, moving mean,
 * moving variance), layer norm 2 (gamma, beta), none 0.
 */
function normParameters(config: ModelConfig): number {
  const perFeature = { batch: 4, layer: 2, none: 0 }[config.normalization ?? "batch"];
  return perFeature * config.hiddenUnits.reduce((a, b) => a + b, 0);
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
  return (
    unitCount(config) * unitDenseParameters(config) + normSets * normParameters(config) + relationParameters(config)
  );
}

export interface ModelDescription {
  readonly preset?: string;
  /** "predictor" (audio frames in and out) or "conductor" (feature frames in and out). */
  readonly kind: "predictor" | "conductor";
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
  const norm = config.normalization ?? "batch";
  const hidden = config.hiddenUnits
    .map(
      (n) =>
        `Dense(${n}) -> LeakyReLU(${config.hiddenAlpha})${{ batch: " -> BatchNorm", layer: " -> LayerNorm", none: "" }[norm]}`,
    )
    .join(" -> ");
  const sharing = config.shareWeights
    ? `1 encoder, 1 context and 1 decoder unit, each reused across its time steps${norm === "batch" ? " (batch norm per step)" : ""}`
    : `${config.encoderSteps} encoder, 1 context and ${config.decoderSteps} decoder units, each with its own weights`;
  const features = isFeatureModel(config);
  const width = frameWidth(config);
  const summary = [
    `model${preset ? ` (preset ${preset})` : ""}: ${features ? "conductor: seed encoder-decoder over feature frames" : "seed encoder-decoder"}, ` +
      `${parameters.toLocaleString("en-US")} parameters (${((parameters * 4) / 1e6).toFixed(features ? 3 : 1)} MB float32)`,
    features
      ? `features: frame = 1 s = ${width} values (secondFrames: 12 chroma, 13 MFCC, loudness, brightness, onset density), standardised`
      : `audio: mono ${config.sampleRate} Hz, frame = 1 s = ${config.sampleRate} samples`,
    `input: ${config.encoderSteps} frames (${config.encoderSteps} s); output: ${config.decoderSteps} frames (${config.decoderSteps} s)` +
      (config.residual === "context-mean"
        ? "; each output frame = mean of the input frames + the decoder's frame"
        : ""),
    `units: ${sharing}`,
    `unit: relation Dense(1) over ${relationLayout(config) === "interleaved" ? "interleaved frames (the seed's Keras layout)" : "frames stacked as columns"} -> LeakyReLU(${config.relationAlpha}) -> ${hidden} -> Dense(${width}) linear${config.unitSkip === true ? ", plus the relation step's output (skip)" : ""}`,
    norm === "batch"
      ? `batch norm momentum: ${config.batchNormMomentum ?? 0.99}`
      : `normalisation: ${norm === "layer" ? "layer norm" : "none"}`,
    `per unit: ${body.toLocaleString("en-US")} parameters; relation steps: ${relationParameters(config)} in all`,
  ];
  return {
    ...(preset === undefined ? {} : { preset }),
    kind: features ? "conductor" : "predictor",
    parameters,
    weightMegabytes: (parameters * 4) / 1e6,
    units,
    summary,
  };
}

import { z } from "zod";

/**
 * The shape of the seed encoder–decoder. One frame is one second: `sampleRate` samples of audio, or (input
 * "features") one `featureSize`-value feature frame of that second (engine/analysis/second-frames.ts).
 * The encoder reads `encoderSteps` frames, the decoder writes `decoderSteps` frames.
 */
export const ModelConfigSchema = z.object({
  /**
   * Samples per second of the model's mono audio; one audio frame = one second = sampleRate samples. For input
   * "features" it only records the rate of the audio the features are computed from (informational).
   */
  sampleRate: z.number().int().min(8).max(96_000),
  /**
   * What a frame is: "audio" (default; the seed: sampleRate samples) or "features" (featureSize values summarising
   * one second: the conductor).
   */
  input: z.enum(["audio", "features"]).optional(),
  /** Values per feature frame; required with input "features", not allowed with audio. */
  featureSize: z.number().int().min(1).max(4096).optional(),
  /**
   * "context-mean": the model predicts each output frame as the mean of its input frames plus what the decoder
   * writes (a skip connection without weights; the decoder learns the change from the context mean). Default "none".
   */
  residual: z.enum(["none", "context-mean"]).optional(),
  /**
   * true: every unit adds its relation step's output to its output layer's (a skip around the hidden blocks, as in a
   * residual network), so a unit whose output layer is zero passes on the relation step's weighted sum of frames.
   * Default false (the seed).
   */
  unitSkip: z.boolean().optional(),
  /**
   * How the relation step arranges the w frames it reads into a [W, w] matrix before its Dense(1):
   * "columns" (default, and what models saved without this field were built with): frame k is column k, so the
   * step combines the frames at each sample position; "interleaved" (the seed's Keras code): the frames are
   * concatenated and the flat [w * W] vector reshaped to [W, w], so row j holds w consecutive values of the
   * concatenation (mostly of one frame): the step squeezes all w frames, in order, into one.
   */
  relationLayout: z.enum(["columns", "interleaved"]).optional(),
  /** Input frames (seconds of context). The seed uses 20. */
  encoderSteps: z.number().int().min(1).max(120),
  /** Output frames (seconds predicted per call). The seed uses 10. */
  decoderSteps: z.number().int().min(1).max(60),
  /** Widths of the hidden Dense -> LeakyReLU -> BatchNorm blocks of every unit. The seed uses [64, 128, 256, 512]. */
  hiddenUnits: z.array(z.number().int().min(1).max(8192)).min(1).max(8),
  /** LeakyReLU slope after the relation step (0.4 in the seed). */
  relationAlpha: z.number().min(0).max(1),
  /** LeakyReLU slope inside the hidden blocks (0.3 in the seed). */
  hiddenAlpha: z.number().min(0).max(1),
  /**
   * false: every time step has its own unit (31 units in the seed).
   * true: one encoder unit, one context unit and one decoder unit, each reused across its time steps
   * (a recurrent unit in the strict sense). The relation step stays per step because its width
   * (number of stacked frames) differs from step to step; it has only w+1 weights.
   */
  shareWeights: z.boolean(),
  /**
   * Momentum of the batch-norm moving mean/variance used at inference (0.99, the Keras default the seed used).
   * A short training run needs a lower value, or inference runs on statistics that have barely moved from their start.
   */
  batchNormMomentum: z.number().min(0).max(1).optional(),
  /**
   * Normalisation in the hidden blocks: "batch" (the seed's BatchNormalization, default) or "layer"
   * (LayerNormalization: no running statistics, so training and inference compute the same thing, and one set of
   * weights can serve every time step of a shared unit) or "none" (Dense -> LeakyReLU only; for small feature models,
   * where tfjs's layer norm costs more than the rest: its gradient slices the tiled scale once per window in a batch).
   */
  normalization: z.enum(["batch", "layer", "none"]).optional(),
});

export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** Validates a config (e.g. read from harmonizer.json); throws a ZodError naming the bad fields. */
export function parseModelConfig(input: unknown): ModelConfig {
  const config = ModelConfigSchema.parse(input);
  checkFrameKind(config);
  return config;
}

/** Throws a RangeError when featureSize does not go with the input kind (needed for features, refused for audio). */
export function checkFrameKind(config: ModelConfig): void {
  if (isFeatureModel(config) !== (config.featureSize !== undefined)) {
    throw new RangeError(
      isFeatureModel(config)
        ? 'featureSize is required with input "features"'
        : 'featureSize is only allowed with input "features"',
    );
  }
}

/** True for a model over feature frames (a conductor), false for one over audio samples (a predictor). */
export const isFeatureModel = (config: ModelConfig): boolean => config.input === "features";

/** The relation step's layout; a config without the field (every model saved before it existed) means "columns". */
export const relationLayout = (config: ModelConfig): "columns" | "interleaved" => config.relationLayout ?? "columns";

/** Values per frame: featureSize for a feature model, sampleRate (one second of samples) for an audio model. */
export const frameWidth = (config: ModelConfig): number =>
  isFeatureModel(config) ? (config.featureSize ?? config.sampleRate) : config.sampleRate;

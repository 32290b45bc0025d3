import { z } from "zod";

/**
 * The shape of the seed encoder–decoder. One frame is one second, i.e. `sampleRate` samples.
 * The encoder reads `encoderSteps` frames, the decoder writes `decoderSteps` frames.
 */
export const ModelConfigSchema = z.object({
  /** Samples per second of the model's mono audio; one frame = one second = sampleRate samples. */
  sampleRate: z.number().int().min(8).max(96_000),
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
   * weights can serve every time step of a shared unit).
   */
  normalization: z.enum(["batch", "layer"]).optional(),
});

export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** Validates a config (e.g. read from harmonizer.json); throws a ZodError naming the bad fields. */
export function parseModelConfig(input: unknown): ModelConfig {
  return ModelConfigSchema.parse(input);
}

import { FEATURE_SIZE } from "../analysis/second-frames.ts";
import { ANALYSIS_RATE } from "../analysis/signal.ts";
import { parseModelConfig, type ModelConfig } from "./config.ts";

/**
 * `seed`: exactly the model of docs/model.md: 22050 Hz, 20 -> 10 frames, 31 units each with its own weights,
 * hidden widths 64/128/256/512, the relation step's frames interleaved as the seed's Keras code arranges them (so a
 * Keras-trained seed model imported with `harmonizer import-keras` computes the same function). 399,890,460
 * parameters (1.6 GB float32).
 * Builds in ~25 s and predicts on WASM, but cannot be trained on WASM (4 GB heap).
 */
export const SEED_PRESET: ModelConfig = parseModelConfig({
  sampleRate: 22_050,
  encoderSteps: 20,
  decoderSteps: 10,
  hiddenUnits: [64, 128, 256, 512],
  relationAlpha: 0.4,
  hiddenAlpha: 0.3,
  shareWeights: false,
  relationLayout: "interleaved",
});

/**
 * `small`: the seed's structure (same relation steps, 20 -> 10 one-second frames, 4 hidden blocks) trimmed to train
 * on 2 CPU cores with the WASM backend: mono 8000 Hz (the engine resamples in and out), one encoder, one context and
 * one decoder unit reused across time steps (relation weights stay per step), hidden widths 32/64/128/256, and layer
 * normalisation instead of batch normalisation. Measured on the corpus: with shared weights, batch norm (even one set
 * of running statistics per step, momentum 0.9) trained to MSE 0.038 but predicted at MSE 6.2 in inference mode
 * against 0.012 for silence: the small train/inference differences compound through 31 chained steps. Layer norm has
 * no running statistics, so training and inference compute the same function.
 * Measured here (WASM, 2 shared cores): one training batch of 5 windows 5.5-10 s, one 10 s prediction 0.25-0.65 s.
 * Alternatives measured: 8000 Hz with the seed's widths, 14.4 M parameters, ~8.5 s per batch; 4000 Hz with the
 * seed's widths, 7.5 M, ~4.1 s per batch but only 2 kHz of bandwidth.
 * Relation layout "columns" (not the seed's "interleaved"): `small` is trained here from scratch, never from Keras
 * weights, and with columns a relation step combines the frames at the same sample position, so it can pass the
 * newest frame on unchanged; the interleaved layout squeezes all w frames into one second (a w-fold decimation of
 * their concatenation) and cannot. Models of this preset trained before the field existed are columns too.
 */
export const SMALL_PRESET: ModelConfig = parseModelConfig({
  sampleRate: 8_000,
  encoderSteps: 20,
  decoderSteps: 10,
  hiddenUnits: [32, 64, 128, 256],
  relationAlpha: 0.4,
  hiddenAlpha: 0.3,
  shareWeights: true,
  normalization: "layer",
  relationLayout: "columns",
});

/**
 * `conductor`: the seed's encoder–decoder over one-second feature frames instead of raw samples. Input 20 x 28
 * (secondFrames: 12 chroma, 13 MFCC, loudness, brightness, onset density), output the next 10 x 28, all standardised
 * per dimension with the training set's mean and deviation (stored in harmonizer.json; the 12 chroma bins share one,
 * so transposing the chroma is exact in standardised space). The structure is the seed's: 20 encoder steps, a
 * context unit and 10 decoder steps, each unit a relation step (Dense(1) over the stacked frames) plus hidden blocks
 * and a linear output Dense(28); one encoder, one context and one decoder unit reused across steps with relation
 * weights per step, as in `small`.
 *
 * 9,042 parameters (36 KB float32): 3 units of 2,908 (Dense 28->32, 32->32, 32->28 with biases) + 318 relation weights.
 *
 * What differs from the seed, and why (validation MSE of standardised frames on the corpus split, 19 train / 7
 * validation tracks; the mean of the 20 context seconds scores 0.639):
 * - hidden blocks Dense(32) -> LeakyReLU(0.3) -> Dense(32) -> LeakyReLU(0.3), without normalisation: the features
 *   are standardised already, and tfjs's layer norm made a training step 2.2x slower (its gradient slices the tiled
 *   scale once per window). Blocks of 64/64 reached their best (0.608) at epoch 2 and then overfit the 19 songs.
 * - relation LeakyReLU slope 1 (linear): a recent-weighted mean of the frames, most of what can be predicted here,
 *   passes without being bent at zero (with 16/16 blocks: slope 0.4 0.603, slope 1 0.584).
 * - residual "context-mean": each output frame is the mean of the 20 input frames plus the decoder's frame; and
 *   unitSkip: each unit adds its relation step's output to its output layer's. Trained from zero output layers (and
 *   zero decoder relation weights), the model starts as the mean-of-20-s baseline and learns the change from it.
 *   Without the unit skips (64/64 blocks, slope 0.4, chroma not pooled) it gained 2 % on validation (0.650 -> 0.639)
 *   and nothing on the test files.
 * - training (TRAINING_DEFAULTS.conductor): Adam 0.003, batches of 64 windows every 2 s, every window transposed by a random
 *   0-11 semitones, early stopping (patience 5). The shipped model (models/conductor): 0.581 at epoch 12.
 */
export const CONDUCTOR_PRESET: ModelConfig = parseModelConfig({
  sampleRate: ANALYSIS_RATE,
  input: "features",
  featureSize: FEATURE_SIZE,
  encoderSteps: 20,
  decoderSteps: 10,
  hiddenUnits: [32, 32],
  relationAlpha: 1,
  hiddenAlpha: 0.3,
  shareWeights: true,
  normalization: "none",
  residual: "context-mean",
  unitSkip: true,
});

export const PRESETS = { seed: SEED_PRESET, small: SMALL_PRESET, conductor: CONDUCTOR_PRESET } as const;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function presetConfig(name: string): ModelConfig {
  if (!(name in PRESETS))
    throw new RangeError(`unknown model preset "${name}"; choose one of: ${PRESET_NAMES.join(", ")}`);
  return PRESETS[name as PresetName];
}

import type { ModelConfig } from "../../../engine/model/config.ts";

/** The seed's graph (20 -> 10 frames, a unit per step, batch norm) at 32 Hz with narrow hidden blocks: builds in ms. */
export const seedShaped = (relationLayout: "interleaved" | "columns"): ModelConfig => ({
  sampleRate: 32,
  encoderSteps: 20,
  decoderSteps: 10,
  hiddenUnits: [4, 8],
  relationAlpha: 0.4,
  hiddenAlpha: 0.3,
  shareWeights: false,
  relationLayout,
});

export const maxDifference = (a: Float32Array, b: Float32Array): number =>
  a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (b[i] ?? Number.NaN))), 0);

import * as tf from "@tensorflow/tfjs";
import { makeMeta, type LoadedModel } from "../../../engine/model/io.ts";
import { parseModelConfig } from "../../../engine/model/config.ts";

/** The model rate of the growing model, Hz (small, so its one weight matrix is tiny). */
export const GROWING_MODEL_RATE = 4000;

/**
 * A tiny raw-audio model that diverges when chained: each predicted second is `growth` times the context's second
 * 10 s earlier (its last 10 s, louder). Fed its own output, every prediction is `growth` times the one before.
 * [batch, 20, rate] -> [batch, 10, rate]; one 20 x 10 weight matrix, no bias.
 */
export function growingModel(growth = 1.5): LoadedModel {
  const config = parseModelConfig({
    sampleRate: GROWING_MODEL_RATE,
    encoderSteps: 20,
    decoderSteps: 10,
    hiddenUnits: [1],
    relationAlpha: 0.4,
    hiddenAlpha: 0.3,
    shareWeights: true,
  });
  const model = tf.sequential({
    layers: [
      tf.layers.permute({ dims: [2, 1], inputShape: [20, GROWING_MODEL_RATE] }),
      tf.layers.dense({ units: 10, useBias: false }),
      tf.layers.permute({ dims: [2, 1] }),
    ],
  });
  const kernel = new Float32Array(20 * 10);
  for (let out = 0; out < 10; out++) kernel[(10 + out) * 10 + out] = growth;
  model.layers[1]!.setWeights([tf.tensor2d(kernel, [20, 10])]);
  return { model, config, meta: makeMeta(config) };
}

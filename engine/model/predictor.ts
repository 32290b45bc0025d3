import * as tf from "@tensorflow/tfjs";
import { HarmonizerInputError } from "../errors.ts";
import { isFeatureModel } from "./config.ts";
import type { Predictor } from "./port.ts";
import type { LoadedModel } from "./io.ts";
import { applyGain, normalisationGain } from "./normalise.ts";
import { useWasmFastKernels } from "./wasm-kernels.ts";

/**
 * Wraps a loaded model as the engine's Predictor: 20 s of mono at the model rate in, 10 s out.
 * The context is scaled to the model's normalisation level, the prediction scaled back by the inverse gain.
 * Every tensor is released before predict() resolves. Throws HarmonizerInputError INVALID_MODEL for a feature
 * model (a conductor: see createConductor).
 */
export function createPredictor(loaded: LoadedModel): Predictor {
  const { model, config, meta } = loaded;
  if (isFeatureModel(config)) {
    throw new HarmonizerInputError(
      "INVALID_MODEL",
      "this model predicts feature frames, not audio: it is a conductor, not a predictor",
    );
  }
  const contextLength = config.encoderSteps * config.sampleRate;
  if (tf.getBackend() === "wasm") useWasmFastKernels();
  return {
    sampleRate: config.sampleRate,
    contextSeconds: config.encoderSteps,
    horizonSeconds: config.decoderSteps,
    backend: tf.getBackend(),
    async predict(context: Float32Array): Promise<Float32Array> {
      if (context.length !== contextLength) {
        throw new RangeError(
          `the model reads ${config.encoderSteps} s at ${config.sampleRate} Hz = ${contextLength} samples; got ${context.length}`,
        );
      }
      const gain = normalisationGain(context, meta.normalisation);
      // [1, encoderSteps, sampleRate] -> [1, decoderSteps, sampleRate]
      const output = tf.tidy(() => {
        const input = tf.tensor3d(applyGain(context, gain), [1, config.encoderSteps, config.sampleRate]);
        return model.predict(input) as tf.Tensor;
      });
      try {
        const predicted = (await output.data()) as Float32Array;
        return applyGain(predicted, 1 / gain);
      } finally {
        output.dispose();
      }
    },
  };
}

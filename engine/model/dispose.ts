import * as tf from "@tensorflow/tfjs";

/**
 * Frees a model's weights. LayersModel.dispose() leaves the weights of a layer applied more than once (the shared
 * units of shareWeights: true): TF.js keeps counting a reference for every application. Disposing a tensor twice is
 * a no-op, so the weights are freed here after it.
 */
export function disposeModel(model: tf.LayersModel): void {
  const weights = model.weights.map((weight) => weight.read());
  model.dispose();
  tf.dispose(weights);
}

/**
 * The trained encoder–decoder as the extension engines see it: mono in, mono out,
 * at the model's own sample rate. Implemented by engine/model (createPredictor).
 */
export interface Predictor {
  readonly sampleRate: number;
  /** Seconds of context the model reads (20 for the seed). */
  readonly contextSeconds: number;
  /** Seconds the model predicts per call (10 for the seed). */
  readonly horizonSeconds: number;
  /** Backend actually used: "tensorflow", "wasm" or "cpu". */
  readonly backend: string;
  /**
   * context: contextSeconds * sampleRate mono samples in [-1, 1].
   * Returns horizonSeconds * sampleRate mono samples. Loudness normalisation is inside.
   */
  predict(context: Float32Array): Promise<Float32Array>;
}

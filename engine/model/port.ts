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

/**
 * The trained conductor as a planner sees it: the seed encoder–decoder over one-second feature frames
 * (engine/analysis/second-frames.ts), predicting what the next seconds will sound like rather than their samples.
 * Implemented by engine/model (createConductor, loadConductor).
 */
export interface Conductor {
  /** Frames (seconds) of context the model reads (20). */
  readonly contextFrames: number;
  /** Frames (seconds) it predicts per call (10). */
  readonly horizonFrames: number;
  /** Values per frame (FEATURE_SIZE of second-frames.ts). */
  readonly featureSize: number;
  /** Backend actually used: "tensorflow", "wasm" or "cpu". */
  readonly backend: string;
  /** Where the song is heading over the next minutes, when the conductor's folder holds an outlook (outlook/). */
  readonly outlook?: Outlook;
  /** How much say its prediction has in the walk, when not the steering's defaults (conductor-steering.ts). */
  readonly say?: ConductorSay;
  /**
   * context: [contextFrames][featureSize] raw secondFrames output, oldest first.
   * Returns [horizonFrames][featureSize] in the same raw feature space. Standardisation is inside.
   */
  predict(context: readonly Float32Array[]): Promise<Float32Array[]>;
}

/** Continue form's near-tie margin (TIE_MARGIN) and the prediction's weight (PREDICTION_WEIGHT) in the walk. */
export interface ConductorSay {
  readonly tieMargin?: number;
  readonly predictionWeight?: number;
}

/**
 * Where a song is heading (engine/model/outlook.ts): the predicted summary of its next minutes, in the standardised
 * space of its own frames.
 */
export interface Outlook {
  /** Values per frame (FEATURE_SIZE of second-frames.ts). */
  readonly featureSize: number;
  /** Raw second frames ([seconds][featureSize]) standardised as the outlook's predictions are. */
  standardise(frames: readonly ArrayLike<number>[]): Float32Array[];
  /** frames: the song so far, one raw second frame per second, oldest first. */
  predict(frames: readonly Float32Array[]): Promise<OutlookPrediction>;
}

/** What the outlook says of the next OUTLOOK_HORIZON_SECONDS of a song. */
export interface OutlookPrediction {
  /** Mean and standard deviation of every (standardised) feature. */
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

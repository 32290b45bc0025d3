import { HarmonizerInputError } from "../../errors.ts";

/**
 * A Keras model as the importer reads it, whatever the file: the functional graph Keras saved (`model_config`) and
 * the weights of each layer in Keras's order (Dense: kernel, bias; BatchNormalization: gamma, beta, moving mean,
 * moving variance).
 */
export interface KerasWeight {
  /** Keras's name, e.g. "encoder_dense_1_unit_0/kernel:0". */
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface KerasSource {
  /** What was read, for messages: "model.h5" or "the tensorflowjs_converter output in DIR". */
  readonly description: string;
  readonly format: "keras-hdf5" | "tensorflowjs-converter";
  /** The parsed `model_config` JSON: { class_name: "Functional", config: { layers, input_layers, output_layers } }. */
  readonly modelConfig: unknown;
  /** Names of the layers that have weights. */
  weightedLayers(): string[];
  /** The weights of one layer, in Keras's order; [] for a layer without weights. */
  weights(layer: string): KerasWeight[];
  close(): void;
}

/** A Keras file the importer cannot use (code INVALID_MODEL); the message names the file, the layer and the shape expected. */
export class KerasImportError extends HarmonizerInputError {
  override readonly name: string = "KerasImportError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_MODEL", message, options);
  }
}

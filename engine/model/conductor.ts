import * as tf from "@tensorflow/tfjs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { SECOND_FRAMES_VERSION } from "../analysis/second-frames.ts";
import { HarmonizerInputError } from "../errors.ts";
import { selectBackend, type BackendChoice } from "./backend.ts";
import { frameWidth, isFeatureModel } from "./config.ts";
import { loadModel, type LoadedModel } from "./io.ts";
import type { Conductor } from "./port.ts";
import { destandardise, standardiseInto, type Standardisation } from "./standardise.ts";
import { disposeModel } from "./dispose.ts";
import { useWasmCopyKernels } from "./wasm-kernels.ts";
import { checkedForwardPass } from "./forward.ts";
import { loadOutlook, OUTLOOK_META_JSON } from "./outlook.ts";
import { checkedPlainForwardPass } from "./plain-forward.ts";

/**
 * Wraps a loaded feature model as the planner's Conductor: [contextFrames][featureSize] raw frames in,
 * [horizonFrames][featureSize] raw frames out. The context is standardised with the model's stored per-dimension
 * mean and deviation, the prediction mapped back. Every tensor is released before predict() resolves.
 * Throws HarmonizerInputError INVALID_MODEL for an audio model or one trained on another feature definition.
 */
export function createConductor(loaded: LoadedModel): Conductor {
  const { model, config, meta } = loaded;
  if (!isFeatureModel(config) || meta.features === undefined) {
    throw new HarmonizerInputError(
      "INVALID_MODEL",
      "this model predicts audio, not feature frames: it is a predictor, not a conductor",
    );
  }
  if (meta.features.version !== SECOND_FRAMES_VERSION) {
    throw new HarmonizerInputError(
      "INVALID_MODEL",
      `this conductor was trained on features "${meta.features.version}", but this engine computes "${SECOND_FRAMES_VERSION}"; train it again`,
    );
  }
  // The same predictions to the last bit, faster: only the kernels that copy values are replaced, and the layers are
  // called without apply()'s bookkeeping when that gives apply's output.
  const wasm = tf.getBackend() === "wasm";
  if (wasm) useWasmCopyKernels();
  const forward = checkedForwardPass(model);
  // On WASM, the same arithmetic without TF.js at all (plain-forward.ts), when it gives the backend's output to the
  // last bit: about a tenth of the time of a prediction through TF.js's kernels.
  const plain = wasm
    ? checkedPlainForwardPass(model, forward ?? ((x) => model.apply(x, { training: false }) as tf.Tensor))
    : undefined;
  const standardisation: Standardisation = meta.features.standardisation;
  const featureSize = frameWidth(config);
  const { encoderSteps, decoderSteps } = config;
  return {
    contextFrames: encoderSteps,
    horizonFrames: decoderSteps,
    featureSize,
    backend: tf.getBackend(),
    async predict(context: readonly Float32Array[]): Promise<Float32Array[]> {
      if (context.length !== encoderSteps) {
        throw new RangeError(`the conductor reads ${encoderSteps} frames; got ${context.length}`);
      }
      const x = new Float32Array(encoderSteps * featureSize);
      context.forEach((frame, t) => {
        standardiseInto(frame, standardisation, x, t * featureSize);
      });
      if (plain) {
        const y = plain(x);
        return Array.from({ length: decoderSteps }, (_, t) => destandardise(y, standardisation, t * featureSize));
      }
      // [1, encoderSteps, featureSize] -> [1, decoderSteps, featureSize]. apply(), not predict(): one sample needs
      // no batching loop, and predict's costs a third of the time of this small model.
      const output = tf.tidy(() => {
        const input = tf.tensor3d(x, [1, encoderSteps, featureSize]);
        return forward ? forward(input) : (model.apply(input, { training: false }) as tf.Tensor);
      });
      try {
        const y = await output.data();
        return Array.from({ length: decoderSteps }, (_, t) => destandardise(y, standardisation, t * featureSize));
      } finally {
        output.dispose();
      }
    },
  };
}

const conductorCache = new Map<string, Promise<Conductor>>();

/** The folder, inside a conductor's, of its outlook (engine/model/outlook.ts): loaded with it when present. */
export const OUTLOOK_DIR = "outlook";

/**
 * Selects the backend, loads the model in modelDir (and its outlook, when modelDir/outlook holds one) once per
 * (dir, backend) and wraps it as a Conductor; later calls share it. Throws HarmonizerInputError MODEL_NOT_FOUND / INVALID_MODEL (also when the directory holds a predictor:
 * check with modelKind first), BackendUnavailableError for a named backend that cannot run.
 */
export function loadConductor(modelDir: string, backend: BackendChoice = "auto"): Promise<Conductor> {
  const key = `${modelDir}\u0000${backend}`;
  let cached = conductorCache.get(key);
  if (!cached) {
    cached = (async () => {
      await selectBackend(backend);
      const loaded = await loadModel(modelDir);
      let conductor: Conductor;
      try {
        conductor = createConductor(loaded);
      } catch (error) {
        disposeModel(loaded.model);
        throw error;
      }
      const outlookDir = path.join(modelDir, OUTLOOK_DIR);
      const hasOutlook = await stat(path.join(outlookDir, OUTLOOK_META_JSON)).then(
        () => true,
        () => false,
      );
      return hasOutlook ? { ...conductor, outlook: await loadOutlook(outlookDir) } : conductor;
    })();
    cached.catch(() => conductorCache.delete(key));
    conductorCache.set(key, cached);
  }
  return cached;
}

import * as tf from "@tensorflow/tfjs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { HarmonizerInputError } from "../errors.ts";
import { checkFrameKind, frameWidth, isFeatureModel, ModelConfigSchema, type ModelConfig } from "./config.ts";
import { DEFAULT_NORMALISATION, type Normalisation } from "./normalise.ts";
import { StandardisationSchema } from "./standardise.ts";
import { loadLayersModelByWeight } from "./stream-load.ts";
import { saveLayersModelByWeight } from "./stream-save.ts";

export const MODEL_JSON = "model.json";
export const META_JSON = "harmonizer.json";
/** Largest weight shard written; the seed's 1.6 GB of weights becomes 25 shards. */
export const MAX_SHARD_BYTES = 64 * 1024 * 1024;

const TrainingSummarySchema = z.object({
  epochs: z.number().int().min(0),
  bestValidationLoss: z.number().nullable(),
  finalTrainingLoss: z.number().nullable(),
  trainedAt: z.string(),
  backend: z.string(),
});

const FeatureMetaSchema = z.object({
  /** Version tag of the feature definition (SECOND_FRAMES_VERSION), so frames of another definition are refused. */
  version: z.string(),
  standardisation: StandardisationSchema,
});

/** Where an imported model came from (harmonizer import-keras). */
const ImportedSchema = z.object({
  /** The file or folder name it was read from. */
  from: z.string(),
  format: z.enum(["keras-hdf5", "tensorflowjs-converter"]),
});

const ModelMetaSchema = z.object({
  format: z.literal("emotions-harmonizer-model"),
  version: z.literal(1),
  preset: z.string().optional(),
  config: ModelConfigSchema,
  /** The loudness normalisation around every prediction, or "none": raw samples in and out (the seed's Keras code). */
  normalisation: z.union([z.object({ targetRmsDbfs: z.number(), maxGainDb: z.number() }), z.literal("none")]),
  /** A feature model's (conductor's) frames: the feature definition and the training set's standardisation. */
  features: FeatureMetaSchema.optional(),
  training: TrainingSummarySchema.optional(),
  imported: ImportedSchema.optional(),
});

export type TrainingSummary = z.infer<typeof TrainingSummarySchema>;
export type ImportedFrom = z.infer<typeof ImportedSchema>;
export type FeatureMeta = z.infer<typeof FeatureMetaSchema>;
/** Contents of harmonizer.json, written beside model.json. */
export type ModelMeta = z.infer<typeof ModelMetaSchema>;

export interface LoadedModel {
  readonly model: tf.LayersModel;
  readonly config: ModelConfig;
  readonly meta: ModelMeta;
}

export function makeMeta(
  config: ModelConfig,
  options: {
    preset?: string;
    normalisation?: Normalisation;
    features?: FeatureMeta;
    training?: TrainingSummary;
    imported?: ImportedFrom;
  } = {},
): ModelMeta {
  return {
    format: "emotions-harmonizer-model",
    version: 1,
    ...(options.preset === undefined ? {} : { preset: options.preset }),
    config,
    normalisation: options.normalisation ?? DEFAULT_NORMALISATION,
    ...(options.features === undefined ? {} : { features: options.features }),
    ...(options.training === undefined ? {} : { training: options.training }),
    ...(options.imported === undefined ? {} : { imported: options.imported }),
  };
}

/**
 * tf.io handler over node:fs writing/reading the TF.js layers format: model.json (topology + weightsManifest)
 * and weight shards group1-shardNofM.bin of at most maxShardBytes each.
 */
export function fileSystemHandler(dir: string, maxShardBytes = MAX_SHARD_BYTES): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error("saving a binary model topology is not supported; expected a layers model");
      }
      await mkdir(dir, { recursive: true });
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const shardCount = Math.max(1, Math.ceil(weightData.byteLength / maxShardBytes));
      const paths: string[] = [];
      for (let i = 0; i < shardCount; i++) {
        const name = `group1-shard${i + 1}of${shardCount}.bin`;
        const start = i * maxShardBytes;
        const end = Math.min(start + maxShardBytes, weightData.byteLength);
        await writeFile(path.join(dir, name), new Uint8Array(weightData, start, end - start));
        paths.push(name);
      }
      const manifest: tf.io.WeightsManifestConfig = [{ paths, weights: artifacts.weightSpecs ?? [] }];
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        weightsManifest: manifest,
        ...(artifacts.format === undefined ? {} : { format: artifacts.format }),
        ...(artifacts.generatedBy === undefined ? {} : { generatedBy: artifacts.generatedBy }),
        ...(artifacts.convertedBy == null ? {} : { convertedBy: artifacts.convertedBy }),
        ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      // write then rename, so a crash mid-save never leaves a model.json pointing at missing shards
      const tmp = path.join(dir, `${MODEL_JSON}.tmp`);
      await writeFile(tmp, JSON.stringify(modelJson));
      await rename(tmp, path.join(dir, MODEL_JSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(await readFile(path.join(dir, MODEL_JSON), "utf8")) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const shards: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const shard of group.paths) shards.push(toArrayBuffer(await readFile(path.join(dir, shard))));
        }
        return [specs, shards];
      });
    },
  };
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  if (
    buffer.byteOffset === 0 &&
    buffer.byteLength === buffer.buffer.byteLength &&
    buffer.buffer instanceof ArrayBuffer
  ) {
    return buffer.buffer;
  }
  return new Uint8Array(buffer).slice().buffer;
}

/** Saves model.json + shards + harmonizer.json into dir (created if needed). Training config/optimizer are not saved. */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  meta: ModelMeta,
  options: { maxShardBytes?: number } = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const checked = checkMeta(ModelMetaSchema.parse(meta));
  const maxShardBytes = options.maxShardBytes ?? MAX_SHARD_BYTES;
  if (!(await saveLayersModelByWeight(model, dir, maxShardBytes, MODEL_JSON))) {
    await model.save(fileSystemHandler(dir, maxShardBytes), { includeOptimizer: false });
  }
  await writeFile(path.join(dir, META_JSON), `${JSON.stringify(checked, null, 2)}\n`);
}

const HOW_TO_GET_ONE = "run `npx harmonizer train --data DIR` to train one, or pass --model DIR";

/**
 * Reads only harmonizer.json of a saved model (no weights): config, preset, normalisation, training summary.
 * Same errors as loadModel.
 */
export async function loadModelMeta(dir: string): Promise<ModelMeta> {
  if (!(await isFile(path.join(dir, MODEL_JSON)))) {
    throw new HarmonizerInputError(
      "MODEL_NOT_FOUND",
      `no trained model at ${dir} (${MODEL_JSON} is missing); ${HOW_TO_GET_ONE}`,
    );
  }
  try {
    return checkMeta(ModelMetaSchema.parse(JSON.parse(await readFile(path.join(dir, META_JSON), "utf8"))));
  } catch (error) {
    throw new HarmonizerInputError(
      "INVALID_MODEL",
      `${path.join(dir, META_JSON)} is missing or invalid: ${firstLine(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Loads a model saved by saveModel. Throws HarmonizerInputError MODEL_NOT_FOUND when dir or its model.json is
 * missing, INVALID_MODEL when the files cannot be read as a harmonizer model.
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const meta = await loadModelMeta(dir);
  let model: tf.LayersModel;
  try {
    const modelJson = JSON.parse(await readFile(path.join(dir, MODEL_JSON), "utf8")) as tf.io.ModelJSON;
    model = (await loadLayersModelByWeight(dir, modelJson)) ?? (await tf.loadLayersModel(fileSystemHandler(dir)));
  } catch (error) {
    throw new HarmonizerInputError("INVALID_MODEL", `cannot read the model in ${dir}: ${firstLine(error)}`, {
      cause: error,
    });
  }
  const { encoderSteps, decoderSteps } = meta.config;
  const width = frameWidth(meta.config);
  const inShape = model.inputs[0]?.shape;
  const outShape = model.outputs[0]?.shape;
  if (
    inShape?.[1] !== encoderSteps ||
    inShape[2] !== width ||
    outShape?.[1] !== decoderSteps ||
    outShape[2] !== width
  ) {
    model.dispose();
    throw new HarmonizerInputError(
      "INVALID_MODEL",
      `the model in ${dir} has input ${JSON.stringify(inShape)} and output ${JSON.stringify(outShape)}, but ${META_JSON} says ` +
        `[null, ${encoderSteps}, ${width}] -> [null, ${decoderSteps}, ${width}]`,
    );
  }
  return { model, config: meta.config, meta };
}

/** What a model directory holds: "predictor" (audio in, audio out) or "conductor" (feature frames in and out). */
export type ModelKind = "predictor" | "conductor";

export const kindOfConfig = (config: ModelConfig): ModelKind => (isFeatureModel(config) ? "conductor" : "predictor");

/**
 * Which kind of model dir holds, from harmonizer.json alone (no weights read): cheap enough to call before choosing
 * loadPredictor or loadConductor. Same errors as loadModelMeta.
 */
export async function modelKind(dir: string): Promise<ModelKind> {
  return kindOfConfig((await loadModelMeta(dir)).config);
}

/** Cross-field checks the schema cannot express: featureSize goes with input "features", which needs its standardisation. */
function checkMeta(meta: ModelMeta): ModelMeta {
  checkFrameKind(meta.config);
  if (isFeatureModel(meta.config)) {
    const { standardisation } = meta.features ?? {};
    const width = frameWidth(meta.config);
    if (standardisation === undefined)
      throw new RangeError('a model with input "features" needs features.standardisation');
    if (standardisation.mean.length !== width || standardisation.std.length !== width) {
      throw new RangeError(
        `features.standardisation has ${standardisation.mean.length} means and ${standardisation.std.length} deviations for ${width} features`,
      );
    }
  }
  return meta;
}

/** True when dir holds a saved model (model.json). */
export async function modelExists(dir: string): Promise<boolean> {
  return isFile(path.join(dir, MODEL_JSON));
}

/** Removes model.json, harmonizer.json and the weight shards of a saved model in dir. */
export async function removeModel(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";

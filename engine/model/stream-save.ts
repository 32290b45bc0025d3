import * as tf from "@tensorflow/tfjs";
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Writes the same files as model.save(fileSystemHandler(dir, maxShardBytes)) (model.json and weight shards
 * group1-shardNofM.bin), reading one weight at a time out of the backend. Returns false, having written nothing, for a
 * model it does not handle (user-defined metadata, weights that are not 32-bit), so the caller can use model.save.
 *
 * Why: model.save reads every weight out of the backend and joins them into one buffer before writing: for the seed,
 * 3.2 GB of JS memory beside its 1.6 GB heap. Here at most one shard and one weight are in memory.
 */
export async function saveLayersModelByWeight(
  model: tf.LayersModel,
  dir: string,
  maxShardBytes: number,
  modelJsonName: string,
): Promise<boolean> {
  const weights = model.weights;
  if (
    model.getUserDefinedMetadata() !== undefined ||
    weights.some((w) => !(w.dtype === "float32" || w.dtype === "int32"))
  ) {
    return false;
  }
  const sizes = weights.map((w) => w.shape.reduce((a: number, b) => a * (b ?? 0), 1) * 4);
  const total = sizes.reduce((a, b) => a + b, 0);
  const shardCount = Math.max(1, Math.ceil(total / maxShardBytes));
  const paths = Array.from({ length: shardCount }, (_, i) => `group1-shard${i + 1}of${shardCount}.bin`);
  let shardIndex = 0;
  let shard = new Uint8Array(Math.min(maxShardBytes, total));
  let filled = 0;
  const flush = async () => {
    await writeFile(path.join(dir, paths[shardIndex]!), shard.subarray(0, filled));
    shardIndex++;
    shard = new Uint8Array(Math.min(maxShardBytes, total - shardIndex * maxShardBytes));
    filled = 0;
  };
  for (const weight of weights) {
    const values = await weight.read().data();
    let bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    while (bytes.length > 0) {
      const count = Math.min(bytes.length, shard.length - filled);
      shard.set(bytes.subarray(0, count), filled);
      filled += count;
      bytes = bytes.subarray(count);
      if (filled === shard.length && shardIndex < shardCount - 1) await flush();
    }
  }
  await writeFile(path.join(dir, paths[shardIndex]!), shard.subarray(0, filled));
  const modelJson = {
    modelTopology: model.toJSON(null, false),
    weightsManifest: [
      { paths, weights: weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], dtype: w.dtype })) },
    ],
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
  };
  // write then rename, so a crash mid-save never leaves a model.json pointing at missing shards
  const tmp = path.join(dir, `${modelJsonName}.tmp`);
  await writeFile(tmp, JSON.stringify(modelJson));
  await rename(tmp, path.join(dir, modelJsonName));
  return true;
}

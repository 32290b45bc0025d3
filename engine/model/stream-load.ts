import * as tf from "@tensorflow/tfjs";
import { open } from "node:fs/promises";
import path from "node:path";

/**
 * Loads a layers model saved by saveModel one weight at a time, or returns undefined when the files hold something it
 * does not handle (quantised or non-32-bit weights, names that do not match the model's weights), so the caller can
 * use tf.loadLayersModel and its errors.
 *
 * Why: tf.loadLayersModel reads every shard (1.6 GB for the seed) into memory, fills every weight with zeros, and then
 * makes a second tensor of every weight before assigning them, so the seed peaked at 4.8 GB and the WASM heap (which
 * never shrinks) kept 3.2 GB. Here the weights start as zeros and each is replaced as soon as its bytes are read; the
 * heap frees the zeros one weight at a time and reuses them for the next, and only one shard is in memory at a time.
 */
export async function loadLayersModelByWeight(
  dir: string,
  modelJson: tf.io.ModelJSON,
): Promise<tf.LayersModel | undefined> {
  const groups = modelJson.weightsManifest ?? [];
  const specs = groups.flatMap((group) => group.weights);
  if (specs.some((spec) => spec.quantization !== undefined || !(spec.dtype === "float32" || spec.dtype === "int32"))) {
    return undefined;
  }
  const model = await withZeroVarianceScaling(() =>
    tf.loadLayersModel({ load: async () => ({ modelTopology: modelJson.modelTopology }) }),
  );
  const variables = new Map(model.weights.map((w) => [w.originalName, w]));
  if (
    specs.length !== variables.size ||
    specs.some((spec) => !sameShape(variables.get(spec.name)?.shape, spec.shape))
  ) {
    model.dispose();
    return undefined;
  }
  for (const group of groups) {
    const reader = shardReader(group.paths.map((shard) => path.join(dir, shard)));
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const bytes = await reader.take(count * 4);
      const values = spec.dtype === "int32" ? new Int32Array(count) : new Float32Array(count);
      new Uint8Array(values.buffer).set(bytes);
      const value = tf.tensor(values, spec.shape, spec.dtype);
      variables.get(spec.name)?.write(value);
      value.dispose();
    }
  }
  return model;
}

const sameShape = (a: readonly (number | null)[] | undefined, b: readonly number[]): boolean =>
  a !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);

/** The bytes of the shards in order, taken a weight at a time; throws when the shards end before the manifest. */
function shardReader(files: string[]): { take(byteLength: number): Promise<Uint8Array> } {
  let pending: Uint8Array = new Uint8Array(0);
  let next = 0;
  return {
    async take(byteLength) {
      while (pending.length < byteLength) {
        const file = files[next++];
        if (file === undefined) throw new Error(`the weight shards end ${byteLength - pending.length} bytes early`);
        const handle = await open(file);
        const shard = new Uint8Array((await handle.stat()).size);
        try {
          await handle.read(shard, 0, shard.length, 0);
        } finally {
          await handle.close();
        }
        pending = pending.length === 0 ? shard : concat(pending, shard);
      }
      const taken = pending.subarray(0, byteLength);
      pending = pending.subarray(byteLength);
      return taken;
    },
  };
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
};

/**
 * Runs load while the VarianceScaling initializer (Glorot, He and LeCun: every Dense kernel built here, saved under
 * that name) gives zeros instead of random numbers, which for the seed took 25-60 s and is overwritten at once. The
 * stand-in keeps the class name and config, so a model saved again says the same as before.
 */
type InitializerClass = (new (
  config: object,
) => { apply(shape: number[], dtype?: tf.DataType): tf.Tensor; getConfig(): tf.serialization.ConfigDict }) & {
  className: string;
};
type Registered = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;

async function withZeroVarianceScaling<T>(load: () => Promise<T>): Promise<T> {
  const varianceScaling = tf.initializers.varianceScaling({}).constructor as unknown as InitializerClass;
  class ZeroVarianceScaling extends varianceScaling {
    static override className = "VarianceScaling";
    override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
      return tf.zeros(shape, dtype);
    }
  }
  tf.serialization.SerializationMap.register(ZeroVarianceScaling as unknown as Registered);
  try {
    return await load();
  } finally {
    tf.serialization.SerializationMap.register(varianceScaling as unknown as Registered);
  }
}

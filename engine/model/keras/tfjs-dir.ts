import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { KerasImportError, type KerasSource, type KerasWeight } from "./source.ts";

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

interface ConverterModelJson {
  format?: string;
  modelTopology?: { model_config?: unknown };
  weightsManifest?: { paths: string[]; weights: ManifestWeight[] }[];
}

/**
 * Opens the output of `tensorflowjs_converter --input_format keras MODEL.h5 DIR`: model.json (format
 * "layers-model", the Keras graph in modelTopology.model_config) and its float32 weight shards. Weight names are
 * "<layer>/<weight>", e.g. "encoder_dense_1_unit_0/kernel". Quantized weights are refused (they would not give the
 * Keras model's outputs).
 */
export async function openConverterDir(dir: string): Promise<KerasSource> {
  const file = path.join(dir, "model.json");
  if (!existsSync(file)) {
    throw new KerasImportError(
      `${dir} is a folder without model.json; give the Keras .h5 file, or the folder tensorflowjs_converter wrote`,
    );
  }
  const json = JSON.parse(await readFile(file, "utf8")) as ConverterModelJson;
  const described = `the tensorflowjs_converter output in ${dir}`;
  if (json.format !== "layers-model" || json.modelTopology?.model_config === undefined || !json.weightsManifest) {
    throw new KerasImportError(
      `${file} is not a Keras model converted by tensorflowjs_converter (expected format "layers-model" with ` +
        `modelTopology.model_config and weightsManifest; got format ${JSON.stringify(json.format)})`,
    );
  }
  const byLayer = new Map<string, KerasWeight[]>();
  for (const group of json.weightsManifest) {
    const data = Buffer.concat(await Promise.all(group.paths.map((shard) => readFile(path.join(dir, shard)))));
    let offset = 0;
    for (const weight of group.weights) {
      if (weight.dtype !== "float32" || weight.quantization !== undefined) {
        throw new KerasImportError(
          `${described}: weight ${weight.name} is ${weight.quantization === undefined ? weight.dtype : "quantized"}; ` +
            "only unquantized float32 weights are imported (convert without --quantize_*)",
        );
      }
      const count = weight.shape.reduce((a, b) => a * b, 1);
      if (offset + count * 4 > data.byteLength) {
        throw new KerasImportError(`${described}: the weight shards end before weight ${weight.name}`);
      }
      const values = new Float32Array(
        data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + count * 4),
      );
      offset += count * 4;
      const layer = weight.name.slice(0, weight.name.lastIndexOf("/"));
      byLayer.set(layer, [...(byLayer.get(layer) ?? []), { name: weight.name, shape: weight.shape, values }]);
    }
  }
  return {
    description: described,
    format: "tensorflowjs-converter",
    modelConfig: json.modelTopology.model_config,
    weightedLayers: () => [...byLayer.keys()],
    weights: (layer) => byLayer.get(layer) ?? [],
    close: () => undefined,
  };
}

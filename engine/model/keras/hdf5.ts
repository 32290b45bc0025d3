import { open as openFile } from "node:fs/promises";
import type H5wasm from "h5wasm/node";
import { KerasImportError, type KerasSource, type KerasWeight } from "./source.ts";

/** An HDF5 file starts with this signature, at byte 0 or after a user block of 512, 1024, 2048... bytes. */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

async function isHdf5(file: string): Promise<boolean> {
  const handle = await openFile(file, "r");
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(HDF5_SIGNATURE.length);
    for (let offset = 0; offset + head.length <= size && offset <= 1 << 20; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(head, 0, head.length, offset);
      if (head.equals(HDF5_SIGNATURE)) return true;
    }
    return false;
  } finally {
    await handle.close();
  }
}

const asString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : undefined;

/**
 * Opens a Keras 2 HDF5 model (`model.save("x.h5")`, ModelCheckpoint): `model_config` from the root's attributes,
 * weights from `model_weights/<layer>/<weight name>` in the order of the layer group's `weight_names` attribute.
 * The optimizer's state (`optimizer_weights`) is not read. Reads one dataset at a time, so a 1.6 GB file is never
 * held in memory whole.
 */
export async function openKerasHdf5(file: string): Promise<KerasSource> {
  if (!(await isHdf5(file))) {
    throw new KerasImportError(`${file} is not an HDF5 file (no HDF5 signature); expected a Keras .h5 model`);
  }
  // Loaded here, not at the top: h5wasm's module takes about 3 s to load, and every CLI command would pay for it.
  const h5wasm: typeof H5wasm = (await import("h5wasm/node")).default;
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, "r");
  let isOpen = true;
  const close = (): void => {
    if (isOpen) h5.close();
    isOpen = false;
  };
  const fail = (message: string): never => {
    close();
    throw new KerasImportError(`${file}: ${message}`);
  };
  const configText = asString(h5.attrs.model_config?.value);
  if (configText === undefined)
    fail("no model_config attribute: this HDF5 file is not a Keras model (or holds weights only)");
  const root = h5.get("model_weights");
  if (!(root instanceof h5wasm.Group)) fail("no model_weights group: this HDF5 file holds no Keras weights");
  const weightsGroup = root as InstanceType<typeof h5wasm.Group>;
  const weightNames = (layer: string): string[] => {
    const group = weightsGroup.get(layer);
    if (!(group instanceof h5wasm.Group)) return [];
    const names = group.attrs.weight_names?.value;
    return (Array.isArray(names) ? names : []).map((n) => asString(n) ?? String(n));
  };
  return {
    description: file,
    format: "keras-hdf5",
    modelConfig: JSON.parse(configText!) as unknown,
    weightedLayers: () => weightsGroup.keys().filter((layer) => weightNames(layer).length > 0),
    weights(layer: string): KerasWeight[] {
      return weightNames(layer).map((name) => {
        const dataset = weightsGroup.get(`${layer}/${name}`);
        if (!(dataset instanceof h5wasm.Dataset)) return fail(`model_weights/${layer}/${name} is missing`);
        const values = dataset.value;
        if (!(values instanceof Float32Array)) {
          return fail(`model_weights/${layer}/${name} is ${JSON.stringify(dataset.dtype)}, expected float32`);
        }
        return { name, shape: dataset.shape ?? [], values };
      });
    },
    close,
  };
}

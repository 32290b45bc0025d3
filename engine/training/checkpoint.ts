import type * as tf from "@tensorflow/tfjs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ModelConfigSchema } from "../model/config.ts";
import { loadModel, makeMeta, modelExists, saveModel } from "../model/io.ts";
import type { NormalisationSettings } from "../model/normalise.ts";

export const CHECKPOINT_DIR = "checkpoint";
export const CHECKPOINT_JSON = "checkpoint.json";

const CheckpointSchema = z.object({
  epoch: z.number().int().min(1),
  history: z.array(
    z.object({ epoch: z.number(), trainLoss: z.number(), validationLoss: z.number().nullable(), seconds: z.number() }),
  ),
  bestEpoch: z.number().nullable(),
  bestValidationLoss: z.number().nullable(),
  config: ModelConfigSchema,
});
/** The audio model's training state after an epoch: what `train --resume` continues from. */
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export async function writeCheckpoint(
  dir: string,
  model: tf.LayersModel,
  checkpoint: Checkpoint,
  normalisation: NormalisationSettings,
): Promise<void> {
  await saveModel(model, dir, makeMeta(checkpoint.config, { normalisation }));
  await writeFile(path.join(dir, CHECKPOINT_JSON), `${JSON.stringify(checkpoint, null, 2)}\n`);
}

export async function readCheckpoint(
  dir: string,
): Promise<{ model: tf.LayersModel; checkpoint: Checkpoint } | undefined> {
  if (!(await modelExists(dir))) return undefined;
  const checkpoint = CheckpointSchema.parse(JSON.parse(await readFile(path.join(dir, CHECKPOINT_JSON), "utf8")));
  const { model } = await loadModel(dir);
  return { model, checkpoint };
}

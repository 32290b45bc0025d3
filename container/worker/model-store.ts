import { existsSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { SHIPPED_CONDUCTOR_DIR } from "../../engine/model/shipped.ts";

/** Where the worker's model comes from; `dir` undefined means no trained model is available. */
export interface ModelSource {
  readonly dir?: string | undefined;
  /** For logs and notifications, e.g. "s3://models/models/current/" or "no trained model". */
  readonly description: string;
}

const hasModelJson = (dir: string): boolean => existsSync(join(dir, "model.json"));

/**
 * Copies every object under `prefix` into a fresh temporary directory, keeping relative paths.
 * Returns undefined when the prefix holds no model.json.
 */
export async function downloadModelDir(s3: S3Client, bucket: string, prefix: string): Promise<string | undefined> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined && !object.Key.endsWith("/")) keys.push(object.Key);
    }
  }
  if (!keys.some((key) => key.slice(prefix.length) === "model.json")) return undefined;
  const dir = await mkdtemp(join(tmpdir(), "harmonizer-model-"));
  for (const key of keys) {
    const target = resolve(dir, key.slice(prefix.length));
    if (relative(dir, target).startsWith("..")) continue; // a key like "../x" must not escape the folder
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, (await response.Body?.transformToByteArray()) ?? new Uint8Array());
  }
  return dir;
}

/** The models bucket's current model if there is one, else the baked-in one, else none. */
export async function locateModel(
  s3: S3Client,
  options: { modelsBucket?: string | undefined; modelPrefix: string; bakedModelDir: string },
): Promise<ModelSource> {
  if (options.modelsBucket !== undefined) {
    const dir = await downloadModelDir(s3, options.modelsBucket, options.modelPrefix);
    if (dir !== undefined) return { dir, description: `s3://${options.modelsBucket}/${options.modelPrefix}` };
  }
  if (hasModelJson(options.bakedModelDir)) return { dir: options.bakedModelDir, description: options.bakedModelDir };
  if (hasModelJson(SHIPPED_CONDUCTOR_DIR))
    return { dir: SHIPPED_CONDUCTOR_DIR, description: "the shipped conductor (models/conductor)" };
  return { description: "no trained model" };
}

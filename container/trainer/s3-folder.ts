import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

/** The keys under `prefix` (folder markers left out). */
export async function listPrefix(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined && !object.Key.endsWith("/")) keys.push(object.Key);
    }
  }
  return keys;
}

/**
 * Downloads every object under `prefix` into `dir`, keeping the sub-folders; returns the local paths relative
 * to `dir`. A key that would land outside `dir` (`..` segments) is refused.
 */
export async function downloadPrefix(s3: S3Client, bucket: string, prefix: string, dir: string): Promise<string[]> {
  const root = resolve(dir);
  const files: string[] = [];
  for (const key of await listPrefix(s3, bucket, prefix)) {
    const file = resolve(root, key.slice(prefix.length));
    if (!file.startsWith(`${root}${sep}`))
      throw new Error(`refusing s3://${bucket}/${key}: it would be written outside ${root}`);
    await mkdir(dirname(file), { recursive: true });
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
    await pipeline(Body as Readable, createWriteStream(file));
    files.push(relative(root, file));
  }
  return files;
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

/** Uploads the files of `dir` under `prefix` (multipart for large weight shards), except those `skip` names; returns the keys. */
export async function uploadFolder(
  s3: S3Client,
  bucket: string,
  dir: string,
  prefix: string,
  skip: (file: string) => boolean = () => false,
): Promise<string[]> {
  const keys: string[] = [];
  for (const file of await filesUnder(dir)) {
    if (skip(file)) continue;
    const key = `${prefix}${file}`;
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: createReadStream(join(dir, file)) },
    }).done();
    keys.push(key);
  }
  return keys;
}

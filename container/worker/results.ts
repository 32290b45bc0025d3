import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { ResultKeys } from "../../functions/commons/object-keys.ts";

export interface ResultFiles {
  readonly wav: Uint8Array;
  readonly picture: Uint8Array;
  /** JSON-able report of the extension. */
  readonly report: unknown;
}

/** True when the job's report exists: it is written last, so the whole result is there. */
export async function resultExists(s3: S3Client, bucket: string, keys: ResultKeys): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: keys.report }));
    return true;
  } catch (error) {
    if (error instanceof Error && (error.name === "NotFound" || error.name === "NoSuchKey")) return false;
    throw error;
  }
}

const PART_BYTES = 16 * 1024 * 1024;

/** Uploads the WAV (multipart: results can be hundreds of MB), the picture, then the report. */
export async function uploadResult(s3: S3Client, bucket: string, keys: ResultKeys, files: ResultFiles): Promise<void> {
  await new Upload({
    client: s3,
    params: { Bucket: bucket, Key: keys.wav, Body: files.wav, ContentType: "audio/wav" },
    partSize: PART_BYTES,
    queueSize: 2,
  }).done();
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys.picture, Body: files.picture, ContentType: "image/png" }));
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.report,
      Body: JSON.stringify(files.report, null, 2),
      ContentType: "application/json",
    }),
  );
}

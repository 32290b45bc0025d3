import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { ResultKeys } from "#aws/shared/object-keys.ts";

export interface ResultFiles {
  /** The WAV, when it was not already uploaded as it was encoded (s3-sink.ts). */
  readonly wav?: Uint8Array;
  /** The engine draws it unless told not to (the worker never tells it so). */
  readonly picture?: Uint8Array | undefined;
  /** JSON-able report of the extension. */
  readonly report: unknown;
  /** More objects of the result (the result in its own format, the original's copy), written before the report. */
  readonly extra?: ReadonlyArray<{ readonly key: string; readonly body: Uint8Array; readonly contentType: string }>;
}

/**
 * True when the job's report exists: it is written last, so the whole result is there. Asked as a listing of
 * that one key, which the worker's ListBucket (limited to results/ by s3:prefix) allows.
 */
export async function resultExists(s3: S3Client, bucket: string, keys: ResultKeys): Promise<boolean> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keys.report, MaxKeys: 1 }));
  return (Contents ?? []).some((object) => object.Key === keys.report);
}

const PART_BYTES = 16 * 1024 * 1024;

/** Uploads the WAV when given (multipart: results can be hundreds of MB), the picture, then the report. */
export async function uploadResult(s3: S3Client, bucket: string, keys: ResultKeys, files: ResultFiles): Promise<void> {
  if (files.wav !== undefined) {
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: keys.wav, Body: files.wav, ContentType: "audio/wav" },
      partSize: PART_BYTES,
      queueSize: 2,
    }).done();
  }
  if (files.picture !== undefined) {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: keys.picture, Body: files.picture, ContentType: "image/png" }),
    );
  }
  for (const extra of files.extra ?? []) {
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: extra.key, Body: extra.body, ContentType: extra.contentType },
      partSize: PART_BYTES,
      queueSize: 2,
    }).done();
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.report,
      Body: JSON.stringify(files.report, null, 2),
      ContentType: "application/json",
    }),
  );
}

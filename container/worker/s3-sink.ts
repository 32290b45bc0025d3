import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { OutputSink } from "#engine";

/**
 * An S3 object written as the engine encodes it (an engine OutputSink): a multipart upload whose parts go up as they
 * fill, so the worker holds two parts, never the result. Part 1 (which holds the header an encoder patches at the
 * end: sizes, the MP3 tag, FLAC's STREAMINFO) is kept back and uploaded last; S3 assembles parts by number. A result
 * smaller than two parts is one PutObject.
 */
export interface S3Sink extends OutputSink {
  /** Uploads what is left and completes the object. */
  finish(): Promise<void>;
  /** Drops the upload (its parts are deleted); safe after finish. */
  abort(): Promise<void>;
}

/** S3's smallest part (but the last) is 5 MiB; the first part must also hold every patched header (64 KiB). */
export const SINK_PART_BYTES = 8 * 1024 * 1024;

export function createS3Sink(
  s3: S3Client,
  target: { readonly bucket: string; readonly key: string; readonly contentType: string },
  partBytes = SINK_PART_BYTES,
): S3Sink {
  const head = new Uint8Array(partBytes);
  let headLength = 0;
  let tail: Uint8Array[] = [];
  let tailLength = 0;
  let uploadId: string | undefined;
  const parts: { PartNumber: number; ETag: string | undefined }[] = [];
  let completed = false;
  const object = { Bucket: target.bucket, Key: target.key };

  const uploadPart = async (body: Uint8Array, partNumber: number) => {
    uploadId ??= (await s3.send(new CreateMultipartUploadCommand({ ...object, ContentType: target.contentType })))
      .UploadId;
    const { ETag } = await s3.send(
      new UploadPartCommand({ ...object, UploadId: uploadId, PartNumber: partNumber, Body: body }),
    );
    parts.push({ PartNumber: partNumber, ETag });
  };
  const joinTail = () => {
    const body = new Uint8Array(tailLength);
    let offset = 0;
    for (const chunk of tail) {
      body.set(chunk, offset);
      offset += chunk.length;
    }
    tail = [];
    tailLength = 0;
    return body;
  };

  return {
    async write(bytes) {
      let rest = bytes;
      if (headLength < partBytes) {
        const taken = Math.min(partBytes - headLength, rest.length);
        head.set(rest.subarray(0, taken), headLength);
        headLength += taken;
        rest = rest.subarray(taken);
      }
      if (rest.length === 0) return;
      tail.push(rest.slice());
      tailLength += rest.length;
      if (tailLength >= partBytes) await uploadPart(joinTail(), parts.length + 2);
    },
    async patch(offset, bytes) {
      if (offset + bytes.length > headLength) throw new RangeError("only the first part of the result can be patched");
      head.set(bytes, offset);
    },
    async finish() {
      if (uploadId === undefined && tailLength < 5 * 1024 * 1024) {
        const body = new Uint8Array(headLength + tailLength);
        body.set(head.subarray(0, headLength));
        body.set(joinTail(), headLength);
        await s3.send(new PutObjectCommand({ ...object, Body: body, ContentType: target.contentType }));
        completed = true;
        return;
      }
      if (tailLength > 0) await uploadPart(joinTail(), parts.length + 2);
      await uploadPart(head.subarray(0, headLength), 1);
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      await s3.send(
        new CompleteMultipartUploadCommand({ ...object, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
      completed = true;
    },
    async abort() {
      if (completed) return;
      if (uploadId !== undefined) {
        await s3.send(new AbortMultipartUploadCommand({ ...object, UploadId: uploadId })).catch(() => undefined);
        uploadId = undefined;
      }
    },
  };
}

/**
 * The uploads of one job's result: `sink` for the result in its own format, `wavSink` for the lossless WAV download
 * when that is another object (a WAV result is both).
 */
export function resultUploads(
  s3: S3Client,
  bucket: string,
  keys: { readonly result: string; readonly wav: string; readonly contentType: string },
) {
  const sink = countingSink(createS3Sink(s3, { bucket, key: keys.result, contentType: keys.contentType }));
  const wavSink =
    keys.result === keys.wav
      ? undefined
      : countingSink(createS3Sink(s3, { bucket, key: keys.wav, contentType: "audio/wav" }));
  return {
    sink,
    wavSink,
    /** Completes both; an engine that returned its bytes instead of writing them (a stand-in) has them written now. */
    async finish(output: { readonly wav?: Uint8Array; readonly encoded?: Uint8Array }) {
      await sink.finish(wavSink === undefined ? output.wav : output.encoded);
      await wavSink?.finish(output.wav);
    },
    async abort() {
      await sink.abort();
      await wavSink?.abort();
    },
  };
}

/**
 * An S3 sink that knows whether anything was written to it; finish writes `fallback` first when nothing was, and
 * makes no object when there is nothing at all.
 */
function countingSink(sink: S3Sink) {
  let written = 0;
  return {
    write: (bytes: Uint8Array) => {
      written += bytes.length;
      return sink.write(bytes);
    },
    patch: (offset: number, bytes: Uint8Array) => sink.patch(offset, bytes),
    finish: async (fallback: Uint8Array | undefined) => {
      if (written === 0 && fallback !== undefined) {
        written = fallback.length;
        await sink.write(fallback);
      }
      if (written > 0) await sink.finish();
    },
    abort: () => sink.abort(),
  };
}

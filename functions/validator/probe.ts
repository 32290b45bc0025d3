import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parseWebStream } from "music-metadata";
import { leadingId3v2Bytes } from "../../engine/audio/mpeg.ts";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { checkMp3 } from "./mpeg-check.ts";
import { oggDurationSeconds } from "./ogg-duration.ts";
import { type AudioProbe, audioFormatOf } from "./validation.ts";
import { checkWavSize } from "./wav-check.ts";

/** HeadObject's answer, with S3's user metadata (keys lower-case, without "x-amz-meta-"). */
export interface StoredObject {
  readonly key: string;
  readonly contentLength: number;
  readonly eTag: string;
  readonly versionId?: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

const isNotFound = (error: unknown): boolean =>
  error instanceof Error && (error.name === "NotFound" || error.name === "NoSuchKey");

/**
 * HeadObject of the first key that exists among `keys` (decoded key first, then the raw event key).
 * Returns undefined when none exists (deleted since the event); other errors propagate.
 */
export async function headFirstExisting(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
): Promise<StoredObject | undefined> {
  for (const key of new Set(keys)) {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        key,
        contentLength: head.ContentLength ?? 0,
        eTag: (head.ETag ?? "").replace(/"/g, ""),
        versionId: head.VersionId,
        metadata: head.Metadata ?? {},
      };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return undefined;
}

/** Bytes [first, last] of the object (a ranged GetObject of that exact version). */
async function readRange(
  s3: S3Client,
  bucket: string,
  object: StoredObject,
  first: number,
  last: number,
): Promise<Uint8Array> {
  const response = await s3.send(
    new GetObjectCommand({
      Bucket: bucket,
      Key: object.key,
      Range: `bytes=${first}-${last}`,
      ...(object.versionId === undefined ? {} : { VersionId: object.versionId }),
    }),
  );
  if (response.Body === undefined) return new Uint8Array();
  return response.Body.transformToByteArray();
}

const OGG_TAIL_BYTES = 64 * 1024;

/**
 * Format, duration, rate and channels of a stored object, reading at most `probeBytes` from its
 * start (plus its last 64 KB for Ogg, whose duration is only written at the end).
 */
export async function inspectUpload(
  s3: S3Client,
  bucket: string,
  object: StoredObject,
  probeBytes: number,
): Promise<AudioProbe> {
  const startLength = Math.min(object.contentLength, probeBytes);
  let start = await readRange(s3, bucket, object, 0, startLength - 1);
  // ID3v2 tags (cover images) can be longer than the probe: skip them by their size field and probe the audio.
  const tags = leadingId3v2Bytes(start);
  if (tags > 0 && tags < object.contentLength) {
    start =
      tags + 4096 <= startLength
        ? start.subarray(tags)
        : await readRange(s3, bucket, object, tags, Math.min(object.contentLength, tags + probeBytes) - 1);
  }
  const probe = await probeAudio(start, object.contentLength - tags);
  const format = audioFormatOf(probe);
  if (format === "wav") checkWavSize(start, object.contentLength);
  if (format === "mp3") return { ...probe, seconds: await checkMp3(start, object.contentLength - tags, probe.seconds) };
  if ((format === "ogg-vorbis" || format === "ogg-opus") && probe.sampleRate) {
    // Always from the last page, whatever the size: a bitrate estimate (Vorbis' nominal rate) can be far off.
    const tail =
      startLength === object.contentLength
        ? start.subarray(Math.max(0, start.length - OGG_TAIL_BYTES))
        : await readRange(
            s3,
            bucket,
            object,
            Math.max(0, object.contentLength - OGG_TAIL_BYTES),
            object.contentLength - 1,
          );
    return { ...probe, seconds: oggDurationSeconds(tail, format, probe.sampleRate) };
  }
  return probe;
}

/**
 * Learns format, duration, sample rate and channels from the start of a file of `totalBytes`.
 * The start is handed over as a stream that claims the full size (parseBuffer would take the
 * buffer's length as the file's), so WAV durations come from the header and MP3 durations can be
 * estimated from the bitrate. Throws HarmonizerInputError("NOT_AUDIO") when the bytes are not a
 * recognisable audio file.
 */
export async function probeAudio(start: Uint8Array, totalBytes: number): Promise<AudioProbe> {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(start);
      controller.close();
    },
  });
  try {
    const { format } = await parseWebStream(
      stream,
      { size: totalBytes },
      { duration: false, skipCovers: true, skipPostHeaders: true },
    );
    const estimated = format.duration === undefined && format.bitrate ? (totalBytes * 8) / format.bitrate : undefined;
    return {
      container: format.container,
      codec: format.codec,
      seconds: format.duration ?? estimated,
      sampleRate: format.sampleRate,
      channels: format.numberOfChannels,
    };
  } catch (cause) {
    throw new HarmonizerInputError(
      "NOT_AUDIO",
      "the file is not an audio file this service can read (WAV, MP3, Ogg Vorbis, Ogg Opus or FLAC)",
      { cause },
    );
  }
}

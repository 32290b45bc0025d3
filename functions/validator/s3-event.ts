/**
 * S3 event parsing: which records are object uploads, and their keys as stored.
 * Real S3 URL-encodes keys in events (space as "+", unicode as %XX); some emulators send them raw.
 */

/** One uploaded object named by an S3 ObjectCreated record. */
export interface UploadedObject {
  readonly bucket: string;
  /** Decoded key (what S3 stores). */
  readonly key: string;
  /** The key exactly as written in the event; tried when the decoded key does not exist. */
  readonly rawKey: string;
  readonly size?: number | undefined;
  readonly eTag?: string | undefined;
  readonly versionId?: string | undefined;
  /** The uploader's principal id (the event's userIdentity), which rejection emails are counted against. */
  readonly uploader?: string | undefined;
}

/**
 * Decodes an event key: "+" is a space, then %XX sequences. A key that is not valid URL-encoding
 * (a raw key with a lone "%") is returned unchanged.
 */
export function decodeS3Key(rawKey: string): string {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, " "));
  } catch {
    return rawKey;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The message S3 sends when a notification configuration is saved: `{ "Event": "s3:TestEvent", ... }`. */
export function isS3TestEvent(event: unknown): boolean {
  return isObject(event) && event.Event === "s3:TestEvent";
}

/**
 * The uploads named by an event. Accepts an S3 event as Lambda receives it, an SQS event whose bodies
 * are S3 events, or a bare S3 event body; anything else (test events, deletions) yields nothing.
 */
export function uploadedObjects(event: unknown): UploadedObject[] {
  if (!isObject(event) || isS3TestEvent(event) || !Array.isArray(event.Records)) return [];
  return event.Records.flatMap((record: unknown): UploadedObject[] => {
    if (!isObject(record)) return [];
    if (record.eventSource === "aws:sqs" && typeof record.body === "string") {
      return uploadedObjects(parseJson(record.body));
    }
    return uploadFromS3Record(record);
  });
}

function uploadFromS3Record(record: Record<string, unknown>): UploadedObject[] {
  if (record.eventSource !== "aws:s3" || typeof record.eventName !== "string") return [];
  if (!record.eventName.startsWith("ObjectCreated:")) return [];
  const s3 = record.s3;
  if (!isObject(s3) || !isObject(s3.bucket) || !isObject(s3.object)) return [];
  const bucket = s3.bucket.name;
  const rawKey = s3.object.key;
  if (typeof bucket !== "string" || typeof rawKey !== "string") return [];
  return [
    {
      bucket,
      rawKey,
      key: decodeS3Key(rawKey),
      size: typeof s3.object.size === "number" ? s3.object.size : undefined,
      eTag: typeof s3.object.eTag === "string" ? s3.object.eTag : undefined,
      versionId: typeof s3.object.versionId === "string" ? s3.object.versionId : undefined,
      uploader:
        isObject(record.userIdentity) && typeof record.userIdentity.principalId === "string"
          ? record.userIdentity.principalId
          : undefined,
    },
  ];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

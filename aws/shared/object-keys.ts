/**
 * Where things live in the output bucket. The validator ignores keys under these prefixes so the
 * pipeline never reacts to its own writes, even if input and output share a bucket. Every key made here
 * stays within S3's 1,024 bytes, however long the upload's key is.
 */
import { createHash } from "node:crypto";
import {
  CLAIM_FILE,
  MAX_S3_KEY_BYTES,
  REJECTIONS_PREFIX,
  RESERVED_PREFIXES,
  RESULTS_PREFIX,
} from "../../contract/pipeline.ts";

export const isReservedKey = (key: string): boolean => RESERVED_PREFIXES.some((prefix) => key.startsWith(prefix));

const utf8Bytes = (text: string): number => Buffer.byteLength(text, "utf8");

/** The longest start of `text` of at most `maxBytes` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let out = "";
  for (const char of text) {
    if (utf8Bytes(out) + utf8Bytes(char) > maxBytes) break;
    out += char;
  }
  return out;
}

/** Readable names in result and rejection keys are cut to this many bytes (a hash keeps them unique). */
export const MAX_NAME_BYTES = 200;

/**
 * `rejections/<upload key>.json` when that fits S3's limit; otherwise `rejections/<hash of the key>/<name>.json`,
 * keeping the file's name readable. With a job id, `rejections/<upload key>.<jobId>.json` (and the same for the long
 * form): where the worker's refusal goes when another report holds the plain name.
 */
export function rejectionReportKey(inputKey: string, jobId?: string): string {
  const ending = jobId === undefined ? ".json" : `.${jobId}.json`;
  const plain = `${REJECTIONS_PREFIX}${inputKey}${ending}`;
  if (utf8Bytes(plain) <= MAX_S3_KEY_BYTES) return plain;
  const hash = createHash("sha256").update(inputKey).digest("hex").slice(0, 32);
  return `${REJECTIONS_PREFIX}${hash}/${truncateUtf8(baseName(inputKey), MAX_NAME_BYTES)}${ending}`;
}

/** "music/my song é.mp3" -> "my song é" */
export function baseName(key: string): string {
  const file = key.slice(key.lastIndexOf("/") + 1);
  const dot = file.lastIndexOf(".");
  const stem = dot > 0 ? file.slice(0, dot) : file;
  return stem === "" ? "song" : stem;
}

export interface ResultKeys {
  readonly wav: string;
  readonly picture: string;
  /** Written last: its presence means the result is complete. */
  readonly report: string;
  /** Written first by the worker that runs the job (see container/worker/claim.ts); not part of the result. */
  readonly claim: string;
}

/** `results/<jobId>/<name>-extended.wav` and friends; the name is cut to MAX_NAME_BYTES. */
export function resultKeys(jobId: string, inputKey: string): ResultKeys {
  const folder = `${RESULTS_PREFIX}${jobId}/`;
  return {
    wav: `${folder}${truncateUtf8(baseName(inputKey), MAX_NAME_BYTES)}-extended.wav`,
    picture: `${folder}picture.png`,
    report: `${folder}report.json`,
    claim: `${folder}${CLAIM_FILE}`,
  };
}

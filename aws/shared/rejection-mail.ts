/**
 * Which rejections are mailed. A refused upload whose event is delivered twice is mailed once (the rejection
 * report names the object version it was written for); and each sender (the uploader's identity, else the key's
 * first folder; never the `notify` metadata, see senderOf) gets at most `perHour` rejection emails an hour. The
 * rejections past that are still reported under rejections/, and listed in one digest email after the hour: the
 * scheduled sweep (rejection-digest.ts) sends it, or the sender's next rejection email if that comes first. State lives in the output bucket, written with conditional puts, so concurrent
 * validators count each rejection once.
 */
import { createHash } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { REJECTIONS_PREFIX } from "../../contract/pipeline.ts";
import { isConditionFailed, isNotFound } from "./errors.ts";

const HOUR_MS = 3_600_000;
/** Keys listed in a digest; the count covers the rest. */
const DIGEST_KEYS = 50;

export interface MailPlace {
  readonly s3: S3Client;
  readonly bucket: string;
}

export type MailDecision =
  | { readonly send: true; readonly lastBeforeDigest: boolean; readonly digest: DigestOfHeld | undefined }
  | { readonly send: false; readonly why: string };

export interface DigestOfHeld {
  readonly count: number;
  readonly keys: readonly string[];
  readonly since: string;
}

export interface SenderWindow {
  readonly windowStart: string;
  /** Who the window counts, and the address the digest goes to (kept for the scheduled sweep). */
  readonly sender?: string | undefined;
  readonly owner?: string | undefined;
  readonly sent: number;
  readonly heldCount: number;
  readonly held: readonly string[];
}

export async function readJson<T>(place: MailPlace, key: string): Promise<{ value: T; etag: string } | undefined> {
  try {
    const response = await place.s3.send(new GetObjectCommand({ Bucket: place.bucket, Key: key }));
    return { value: JSON.parse((await response.Body?.transformToString()) ?? "{}") as T, etag: response.ETag ?? "" };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Puts `value` at `key` if it is still as read (`etag`, or absent when undefined); false when it changed. */
export async function putIfUnchanged(place: MailPlace, key: string, value: unknown, etag?: string): Promise<boolean> {
  try {
    await place.s3.send(
      new PutObjectCommand({
        Bucket: place.bucket,
        Key: key,
        Body: JSON.stringify(value, null, 2),
        ContentType: "application/json",
        ...(etag === undefined ? { IfNoneMatch: "*" } : { IfMatch: etag }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * The sender a rejection counts against: who uploaded it (the event's principal), else its top folder. Never the
 * `notify` metadata: the uploader writes it freely, so a new address per upload would open a new allowance.
 */
export function senderOf(uploader: string | undefined, key: string): string {
  if (uploader !== undefined) return `uploader:${uploader}`;
  const slash = key.indexOf("/");
  return slash < 0 ? "folder:(top)" : `folder:${key.slice(0, slash)}`;
}

/** Where the per-sender windows live. */
export const MAIL_WINDOWS_PREFIX = `${REJECTIONS_PREFIX}.mail/`;

export const isWindowOver = (window: SenderWindow, now: Date) =>
  now.getTime() - Date.parse(window.windowStart) >= HOUR_MS;

const windowKey = (sender: string) =>
  `${MAIL_WINDOWS_PREFIX}${createHash("sha256").update(sender).digest("hex").slice(0, 32)}.json`;

/** Counts this rejection against its sender's hour and says whether to mail it (and what the digest holds). */
export async function admitRejectionMail(
  place: MailPlace,
  sender: string,
  owner: string | undefined,
  uploadKey: string,
  perHour: number,
  now: Date,
): Promise<MailDecision> {
  const key = windowKey(sender);
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await readJson<SenderWindow>(place, key);
    const current = existing?.value;
    if (current === undefined || isWindowOver(current, now)) {
      const fresh: SenderWindow = { windowStart: now.toISOString(), sender, owner, sent: 1, heldCount: 0, held: [] };
      if (!(await putIfUnchanged(place, key, fresh, existing?.etag))) continue;
      const digest =
        current !== undefined && current.heldCount > 0
          ? { count: current.heldCount, keys: current.held, since: current.windowStart }
          : undefined;
      return { send: true, lastBeforeDigest: perHour === 1, digest };
    }
    if (current.sent < perHour) {
      if (!(await putIfUnchanged(place, key, { ...current, sent: current.sent + 1 }, existing?.etag))) continue;
      return { send: true, lastBeforeDigest: current.sent + 1 === perHour, digest: undefined };
    }
    const held = current.held.length < DIGEST_KEYS ? [...current.held, uploadKey] : current.held;
    const holding = { ...current, sender, owner, heldCount: current.heldCount + 1, held };
    if (!(await putIfUnchanged(place, key, holding, existing?.etag))) continue;
    return { send: false, why: `${perHour} rejection emails this hour already went to ${sender}` };
  }
  // Lost the race five times: mail rather than drop a rejection.
  return { send: true, lastBeforeDigest: false, digest: undefined };
}

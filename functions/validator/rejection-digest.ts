/**
 * The scheduled sweep of held-back rejections. A sender past the hourly allowance has the rest of its rejections
 * held in its window (rejection-mail.ts); once the hour is over, the sweep takes them out of the window (a
 * conditional put, so a validator counting a rejection at the same moment is not lost) and hands them back as one
 * digest per sender. Without it the digest waited for the sender's next rejection, which never comes when a flood
 * stops.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import {
  type DigestOfHeld,
  isWindowOver,
  MAIL_WINDOWS_PREFIX,
  type MailPlace,
  putIfUnchanged,
  readJson,
  type SenderWindow,
} from "#aws/shared/rejection-mail.ts";

export interface HeldDigest {
  readonly sender: string;
  /** The `notify` address the held rejections named, if any. */
  readonly owner: string | undefined;
  readonly digest: DigestOfHeld;
}

/** Empties every window whose hour is over and holds rejections, returning what each held. */
export async function takeHeldDigests(place: MailPlace, now: Date): Promise<HeldDigest[]> {
  const digests: HeldDigest[] = [];
  for await (const key of windowKeys(place)) {
    const taken = await takeHeld(place, key, now);
    if (taken !== undefined) digests.push(taken);
  }
  return digests;
}

async function* windowKeys(place: MailPlace): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await place.s3.send(
      new ListObjectsV2Command({ Bucket: place.bucket, Prefix: MAIL_WINDOWS_PREFIX, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key;
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

async function takeHeld(place: MailPlace, key: string, now: Date): Promise<HeldDigest | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await readJson<SenderWindow>(place, key);
    const window = existing?.value;
    if (window === undefined || window.heldCount === 0 || !isWindowOver(window, now)) return undefined;
    // The window stays (its hour is over, so the sender's next rejection opens a new one), emptied of what is sent.
    if (await putIfUnchanged(place, key, { ...window, heldCount: 0, held: [] }, existing?.etag))
      return {
        sender: window.sender ?? "(a sender counted before digests were swept)",
        owner: window.owner,
        digest: { count: window.heldCount, keys: window.held, since: window.windowStart },
      };
  }
  // A validator keeps writing this window: its next rejection email carries the digest instead.
  return undefined;
}

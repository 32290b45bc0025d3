import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isConditionFailed, isNotFound } from "#aws/shared/errors.ts";

/**
 * One job, one run, and a run for every job. The first message of a job claims it with a conditional put
 * (If-None-Match: *) of a claim object in the job's result folder (the job id names the upload's version). The
 * claim says which message holds the job, until when (a lease: the job's deadline, after which no live run can
 * hold it) and how it stands:
 * - `running`: held. The same message received again (a retry, a job handed back) goes on; another message (a
 *   duplicate event, or a redrive soon after a crash) waits until the lease ends; after it, the claim is stale
 *   (the worker was killed) and the next message takes it over (If-Match on the claim's ETag).
 * - `done`: the result was written and mailed, or the song was refused and the owner told (refusal.ts); another
 *   message is a duplicate and is dropped.
 * - `failed`: the owner was told the job failed; a redrive from the dead-letter queue (a new message) takes it.
 */
export type ClaimState = "running" | "done" | "failed";

export interface Claim {
  readonly messageId: string;
  readonly state: ClaimState;
  readonly claimedAt: string;
  /** ISO time after which a `running` claim is stale. */
  readonly leaseUntil: string;
}

export type ClaimResult =
  | { readonly status: "claimed"; readonly previous?: Claim | undefined }
  | { readonly status: "done" }
  | { readonly status: "held"; readonly until: Date };

export interface ClaimPlace {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
}

/** The claim and its ETag, or undefined when there is none. */
export async function readClaim(place: ClaimPlace): Promise<{ claim: Claim; etag: string } | undefined> {
  try {
    const response = await place.s3.send(new GetObjectCommand({ Bucket: place.bucket, Key: place.key }));
    const claim = JSON.parse((await response.Body?.transformToString()) ?? "{}") as Partial<Claim>;
    return {
      claim: {
        messageId: String(claim.messageId ?? ""),
        state: claim.state ?? "running",
        claimedAt: String(claim.claimedAt ?? ""),
        // Claims written before leases existed never expire by time; their job is long over.
        leaseUntil: String(claim.leaseUntil ?? new Date(0).toISOString()),
      },
      etag: response.ETag ?? "",
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function writeClaim(place: ClaimPlace, claim: Claim, condition: { ifMatch?: string }): Promise<boolean> {
  try {
    await place.s3.send(
      new PutObjectCommand({
        Bucket: place.bucket,
        Key: place.key,
        ...(condition.ifMatch === undefined ? { IfNoneMatch: "*" } : { IfMatch: condition.ifMatch }),
        Body: JSON.stringify(claim),
        ContentType: "application/json",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Claims the job for `messageId` until `leaseUntil`, or says why not (see ClaimState). */
export async function claimJob(
  place: ClaimPlace,
  messageId: string,
  now: Date,
  leaseUntil: Date,
): Promise<ClaimResult> {
  const mine: Claim = {
    messageId,
    state: "running",
    claimedAt: now.toISOString(),
    leaseUntil: leaseUntil.toISOString(),
  };
  if (await writeClaim(place, mine, {})) return { status: "claimed" }; // the common case: the first claim
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await readClaim(place);
    if (existing === undefined) {
      if (await writeClaim(place, mine, {})) return { status: "claimed" };
      continue;
    }
    const { claim, etag } = existing;
    if (claim.state === "done")
      return claim.messageId === messageId ? { status: "claimed", previous: claim } : { status: "done" };
    const leaseOver = new Date(claim.leaseUntil).getTime() <= now.getTime();
    if (claim.messageId !== messageId && claim.state === "running" && !leaseOver) {
      return { status: "held", until: new Date(claim.leaseUntil) };
    }
    if (await writeClaim(place, mine, { ifMatch: etag })) return { status: "claimed", previous: claim };
  }
  return { status: "held", until: leaseUntil };
}

/** Marks the claim `done` (result or refusal mailed) or `failed` (failure mailed, a redrive may take it). */
export async function settleClaim(place: ClaimPlace, messageId: string, state: "done" | "failed", now: Date) {
  const claim: Claim = { messageId, state, claimedAt: now.toISOString(), leaseUntil: now.toISOString() };
  await place.s3.send(
    new PutObjectCommand({
      Bucket: place.bucket,
      Key: place.key,
      Body: JSON.stringify(claim),
      ContentType: "application/json",
    }),
  );
}

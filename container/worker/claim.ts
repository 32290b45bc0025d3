import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/**
 * One job, one run: the first message of a job claims it with a conditional put (If-None-Match: *) of a claim
 * object in the job's result folder. A second message with the same jobId (a duplicate S3 event) finds the
 * claim held by another message and is dropped; the same message received again (a retry, a job handed back
 * at shutdown) finds its own claim and goes on.
 */
export type ClaimResult = "claimed" | "held-by-another";

const httpStatus = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

/** 412 (the object exists) or 409 (a concurrent conditional write is in flight). */
export const isConditionFailed = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === "PreconditionFailed" ||
    error.name === "ConditionalRequestConflict" ||
    httpStatus(error) === 412 ||
    httpStatus(error) === 409);

export async function claimJob(
  s3: S3Client,
  bucket: string,
  key: string,
  messageId: string,
  now: Date,
): Promise<ClaimResult> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        IfNoneMatch: "*",
        Body: JSON.stringify({ messageId, claimedAt: now.toISOString() }),
        ContentType: "application/json",
      }),
    );
    return "claimed";
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    if (httpStatus(error) === 409) return "held-by-another";
    const existing = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const holder = (JSON.parse((await existing.Body?.transformToString()) ?? "{}") as { messageId?: unknown })
      .messageId;
    return holder === messageId ? "claimed" : "held-by-another";
  }
}

/** After a final failure: a redrive from the dead-letter queue (a new message) may claim the job again. */
export async function releaseClaim(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

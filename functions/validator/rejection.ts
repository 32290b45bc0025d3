import { jobIdFor } from "#aws/shared/job-schema.ts";
import { displayName, publishNotification } from "#aws/shared/notifications.ts";
import { type RejectionReport, writeRejectionReport } from "#aws/shared/rejection-report.ts";
import { senderOf } from "#aws/shared/rejection-mail.ts";
import { digestLines, mailWithinAllowance, type RejectionTargets } from "#aws/shared/rejection-notice.ts";
import { type HeldDigest, takeHeldDigests } from "./rejection-digest.ts";

/** Who uploaded which version: the sender a rejection counts against, and the version a duplicate repeats. */
export interface RejectedUpload {
  readonly owner?: string | undefined;
  readonly uploader?: string | undefined;
  /** The object's VersionId, else its ETag. */
  readonly objectVersion: string;
}

/** "mailed", "held" for the sender's digest, or "duplicate" (this version's rejection was reported already). */
export type RejectionMail = "mailed" | "held" | "duplicate";

/**
 * Writes the rejection report once per object version, never over another's (beside one, at
 * rejections/<key>.<id>.json, the id this version's job would have had), then tells the owner why, within the hourly
 * allowance.
 */
export async function rejectUpload(
  targets: RejectionTargets,
  report: RejectionReport,
  upload: RejectedUpload,
  now: Date,
): Promise<RejectionMail> {
  const place = { s3: targets.s3, bucket: targets.outputBucket };
  const { objectVersion } = upload;
  const { key: reportKey, written } = await writeRejectionReport(
    place,
    { ...report, objectVersion },
    jobIdFor(report.bucket, report.key, objectVersion),
    (existing) => existing.refusedBy === undefined && existing.objectVersion === objectVersion,
  );
  if (!written) return "duplicate";
  const notification = {
    kind: "rejection" as const,
    owner: upload.owner,
    subject: `Not extended: ${displayName(report.key)}`,
    text: [
      `Your upload "${displayName(report.key)}" was not extended.`,
      `Reason: ${displayName(report.reason)}.`,
      "",
      `Details: s3://${targets.outputBucket}/${displayName(reportKey)}`,
    ].join("\n"),
  };
  const sender = senderOf(upload.uploader, report.key);
  return mailWithinAllowance(targets, { sender, uploadKey: report.key, notification }, now);
}

/** Mails each sender's rejections held back in an hour that is over, one digest email per sender. */
export async function mailHeldDigests(targets: RejectionTargets, now: Date): Promise<HeldDigest[]> {
  const held = await takeHeldDigests({ s3: targets.s3, bucket: targets.outputBucket }, now);
  for (const { owner, digest } of held) {
    const hourEnd = new Date(Date.parse(digest.since) + 3_600_000).toISOString();
    await publishNotification(targets.sns, targets.topicArn, {
      kind: "rejection",
      owner,
      subject: `Not extended: ${digest.count} uploads (rejection digest)`,
      text: [
        `At most ${targets.emailsPerHour} rejection emails an hour go to one sender; these uploads were refused in ` +
          `the hour to ${hourEnd} after that.`,
        `Each one's reason is in its report under s3://${targets.outputBucket}/rejections/.`,
        ...digestLines(digest),
      ].join("\n"),
    });
  }
  return held;
}

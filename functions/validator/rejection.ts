import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { rejectionReportKey } from "#aws/shared/object-keys.ts";
import { displayName, publishNotification } from "#aws/shared/notifications.ts";
import type { RejectionReport } from "#aws/shared/rejection-report.ts";
import { type HeldDigest, takeHeldDigests } from "./rejection-digest.ts";
import { admitRejectionMail, type DigestOfHeld, senderOf, writeReportOnce } from "./rejection-mail.ts";

export interface RejectionTargets {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly outputBucket: string;
  readonly topicArn: string;
  /** Rejection emails a sender gets per hour before the rest wait for a digest. */
  readonly emailsPerHour: number;
}

/** Who uploaded which version: the sender a rejection counts against, and the version a duplicate repeats. */
export interface RejectedUpload {
  readonly owner?: string | undefined;
  readonly uploader?: string | undefined;
  /** The object's VersionId, else its ETag. */
  readonly objectVersion: string;
}

/** "mailed", "held" for the sender's digest, or "duplicate" (this version's rejection was reported already). */
export type RejectionMail = "mailed" | "held" | "duplicate";

/** Writes the rejection report once per object version, then tells the owner why, within the hourly allowance. */
export async function rejectUpload(
  targets: RejectionTargets,
  report: RejectionReport,
  upload: RejectedUpload,
  now: Date,
): Promise<RejectionMail> {
  const place = { s3: targets.s3, bucket: targets.outputBucket };
  const reportKey = rejectionReportKey(report.key);
  if (!(await writeReportOnce(place, reportKey, { ...report, objectVersion: upload.objectVersion })))
    return "duplicate";
  const sender = senderOf(upload.uploader, report.key);
  const decision = await admitRejectionMail(place, sender, upload.owner, report.key, targets.emailsPerHour, now);
  if (!decision.send) return "held";
  await publishNotification(targets.sns, targets.topicArn, {
    kind: "rejection",
    owner: upload.owner,
    subject: `Not extended: ${displayName(report.key)}`,
    text: [
      `Your upload "${displayName(report.key)}" was not extended.`,
      `Reason: ${displayName(report.reason)}.`,
      "",
      `Details: s3://${targets.outputBucket}/${displayName(reportKey)}`,
      ...(decision.lastBeforeDigest
        ? [
            "",
            `That makes ${targets.emailsPerHour} rejection emails within the hour for these uploads, the most sent: ` +
              "further rejections this hour are still reported under rejections/, and listed in one digest email " +
              "after the hour.",
          ]
        : []),
      ...digestLines(decision.digest),
    ].join("\n"),
  });
  return "mailed";
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

function digestLines(digest: DigestOfHeld | undefined): string[] {
  if (digest === undefined) return [];
  const more = digest.count - digest.keys.length;
  return [
    "",
    `Also rejected since ${digest.since} without an email of their own (${digest.count}):`,
    ...digest.keys.map((key) => `- ${displayName(key)}`),
    ...(more > 0 ? [`- and ${more} more (see rejections/ in the output bucket)`] : []),
  ];
}

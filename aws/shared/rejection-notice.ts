import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { displayName, type Notification, publishNotification } from "./notifications.ts";
import { admitRejectionMail, type DigestOfHeld } from "./rejection-mail.ts";

/** Where rejections are recorded and mailed, and how many emails a sender gets an hour. */
export interface RejectionTargets {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly outputBucket: string;
  readonly topicArn: string;
  /** Rejection emails a sender gets per hour before the rest wait for a digest. */
  readonly emailsPerHour: number;
}

/** REJECTION_EMAILS_PER_HOUR when the environment does not set it (the validator's and the worker's alike). */
export const DEFAULT_REJECTION_EMAILS_PER_HOUR = 5;

/**
 * Mails a rejection (the validator's, or the worker's refusal of a song once decoded) within its sender's hourly
 * allowance: counted in the same windows under rejections/.mail/, so both count against one allowance. "held" when
 * the allowance is spent (the upload is then listed in the sender's digest); the email that spends it says so, and
 * the first one after an hour with held rejections lists them.
 */
export async function mailWithinAllowance(
  targets: RejectionTargets,
  rejection: { readonly sender: string; readonly uploadKey: string; readonly notification: Notification },
  now: Date,
): Promise<"mailed" | "held"> {
  const { sender, uploadKey, notification } = rejection;
  const place = { s3: targets.s3, bucket: targets.outputBucket };
  const decision = await admitRejectionMail(place, sender, notification.owner, uploadKey, targets.emailsPerHour, now);
  if (!decision.send) return "held";
  const text = [
    notification.text,
    ...(decision.lastBeforeDigest
      ? [
          "",
          `That makes ${targets.emailsPerHour} rejection emails within the hour for these uploads, the most sent: ` +
            "further rejections this hour are still reported under rejections/, and listed in one digest email " +
            "after the hour.",
        ]
      : []),
    ...digestLines(decision.digest),
  ].join("\n");
  await publishNotification(targets.sns, targets.topicArn, { ...notification, text });
  return "mailed";
}

/** The lines listing the rejections held back (none without a digest). */
export function digestLines(digest: DigestOfHeld | undefined): string[] {
  if (digest === undefined) return [];
  const more = digest.count - digest.keys.length;
  return [
    "",
    `Also rejected since ${digest.since} without an email of their own (${digest.count}):`,
    ...digest.keys.map((key) => `- ${displayName(key)}`),
    ...(more > 0 ? [`- and ${more} more (see rejections/ in the output bucket)`] : []),
  ];
}

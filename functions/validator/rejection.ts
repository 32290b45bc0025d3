import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { InputErrorCode } from "../../engine/errors.ts";
import type { InputLimits } from "../../engine/limits.ts";
import { rejectionReportKey } from "#aws/shared/object-keys.ts";
import { displayName, publishNotification } from "#aws/shared/notifications.ts";
import type { AudioProbe } from "./validation.ts";

/** The JSON written to `rejections/<key>.json` in the output bucket. */
export interface RejectionReport {
  readonly version: 1;
  readonly bucket: string;
  readonly key: string;
  readonly code: InputErrorCode;
  /** Names the problem and the limit, e.g. "the song is 5 s long; at least 20 s is needed". */
  readonly reason: string;
  readonly limits: InputLimits;
  readonly probe?: AudioProbe | undefined;
  readonly rejectedAt: string;
}

export interface RejectionTargets {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly outputBucket: string;
  readonly topicArn: string;
}

/** Writes the rejection report, then tells the owner (and the topic's subscribers) why. */
export async function rejectUpload(targets: RejectionTargets, report: RejectionReport, owner?: string): Promise<void> {
  await targets.s3.send(
    new PutObjectCommand({
      Bucket: targets.outputBucket,
      Key: rejectionReportKey(report.key),
      Body: JSON.stringify(report, null, 2),
      ContentType: "application/json",
    }),
  );
  await publishNotification(targets.sns, targets.topicArn, {
    kind: "rejection",
    owner,
    subject: `Not extended: ${displayName(report.key)}`,
    text: [
      `Your upload "${displayName(report.key)}" was not extended.`,
      `Reason: ${displayName(report.reason)}.`,
      "",
      `Details: s3://${targets.outputBucket}/${displayName(rejectionReportKey(report.key))}`,
    ].join("\n"),
  });
}

import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { z } from "zod";
import { type InputErrorCode, isInputError } from "../../engine/errors.ts";
import { createAwsClients } from "#aws/shared/aws-clients.ts";
import {
  FORM_METADATA,
  FORMAT_METADATA,
  NOTIFY_METADATA,
  RESERVED_PREFIXES,
  TARGET_SECONDS_METADATA,
} from "../../contract/pipeline.ts";
import { JOB_ID_ATTRIBUTE, type JobMessage, JobMessageSchema, jobIdFor } from "#aws/shared/job-schema.ts";
import { displayName, type Notification, publishNotification } from "#aws/shared/notifications.ts";
import { isReservedKey } from "#aws/shared/object-keys.ts";
import { readValidatorConfig, type ValidatorConfig } from "./config.ts";
import { headFirstExisting, inspectUpload, type StoredObject } from "./probe.ts";
import type { RejectionTargets } from "#aws/shared/rejection-notice.ts";
import { mailHeldDigests, type RejectionMail, rejectUpload } from "./rejection.ts";
import { type UploadedObject, uploadedObjects } from "./s3-event.ts";
import {
  type AudioProbe,
  checkAudio,
  checkOutputFormat,
  checkUploadSize,
  resolveForm,
  resolveTarget,
} from "./validation.ts";

export interface ValidatorDeps {
  readonly config: ValidatorConfig;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => Date;
}

export type UploadOutcome =
  | { readonly status: "accepted"; readonly key: string; readonly job: JobMessage }
  | {
      readonly status: "rejected";
      readonly key: string;
      readonly code: InputErrorCode;
      readonly reason: string;
      readonly mail: RejectionMail;
    }
  | { readonly status: "ignored"; readonly key: string; readonly why: string }
  /** The schedule's sweep mailed a sender's held-back rejections as one digest. */
  | { readonly status: "digest"; readonly sender: string; readonly count: number };

/**
 * The validator: for every uploaded object, either queues a job or writes a rejection report and
 * notifies. Bad input never throws (S3 would retry the invocation); AWS failures do, so Lambda retries.
 */
export function createValidator(deps: ValidatorDeps): (event: unknown) => Promise<UploadOutcome[]> {
  return async (event) => {
    if (isScheduledEvent(event)) return sweepHeldRejections(deps);
    const outcomes: UploadOutcome[] = [];
    try {
      for (const upload of uploadedObjects(event)) {
        deps.logger.appendKeys({ bucket: upload.bucket, key: upload.key });
        try {
          const outcome = await validateUpload(deps, upload);
          logOutcome(deps, outcome);
          outcomes.push(outcome);
        } finally {
          deps.logger.removeKeys(["bucket", "key", "jobId"]);
        }
      }
    } finally {
      // Only accepted/rejected uploads add metrics; publishing none would just log a warning.
      if (outcomes.some((outcome) => outcome.status !== "ignored")) deps.metrics.publishStoredMetrics();
    }
    return outcomes;
  };
}

async function validateUpload(deps: ValidatorDeps, upload: UploadedObject): Promise<UploadOutcome> {
  const { config } = deps;
  const ignored = ignoreReason(config, upload);
  if (ignored !== undefined) return { status: "ignored", key: upload.key, why: ignored };

  const object = await headFirstExisting(deps.s3, upload.bucket, [upload.key, upload.rawKey]);
  if (object === undefined) return { status: "ignored", key: upload.key, why: "the object no longer exists" };
  const owner = ownerOf(deps, object);
  if (isReservedKey(object.key)) {
    // Not the pipeline's own write (that would be in the output bucket): someone uploaded under a reserved name.
    await publishNotification(deps.sns, config.topicArn, reservedPrefixNotice(object.key, owner));
    return { status: "ignored", key: object.key, why: "a reserved prefix; the owner was told" };
  }

  let probe: AudioProbe | undefined;
  try {
    checkUploadSize(object.contentLength, config.limits);
    probe = await inspectUpload(deps.s3, upload.bucket, object, config.probeBytes);
    const input = checkAudio(probe, config.limits);
    const target = resolveTarget(
      { metadata: object.metadata[TARGET_SECONDS_METADATA], key: object.key },
      input.seconds,
      config.defaultTarget,
      config.limits,
    );
    const form = resolveForm(object.metadata[FORM_METADATA]);
    checkOutputFormat(object.metadata[FORMAT_METADATA]);
    const job = JobMessageSchema.parse({
      version: 1,
      jobId: jobIdFor(upload.bucket, object.key, object.versionId ?? object.eTag),
      bucket: upload.bucket,
      key: object.key,
      ...(object.versionId === undefined || object.versionId === "null" ? {} : { versionId: object.versionId }),
      size: object.contentLength,
      etag: object.eTag,
      targetSeconds: target.seconds,
      ...(target.times === undefined ? {} : { targetTimes: target.times }),
      form,
      input,
      owner,
      uploader: upload.uploader,
      submittedAt: (deps.now?.() ?? new Date()).toISOString(),
    });
    await queueJob(deps, job);
    return { status: "accepted", key: object.key, job };
  } catch (error) {
    if (!isInputError(error)) throw error;
    const now = deps.now?.() ?? new Date();
    const mail = await rejectUpload(
      rejectionTargets(deps),
      {
        version: 1,
        bucket: upload.bucket,
        key: object.key,
        code: error.code,
        reason: error.message,
        limits: config.limits,
        probe,
        rejectedAt: now.toISOString(),
      },
      { owner, uploader: upload.uploader, objectVersion: object.versionId ?? object.eTag },
      now,
    );
    return { status: "rejected", key: object.key, code: error.code, reason: error.message, mail };
  }
}

const rejectionTargets = ({ s3, sns, config }: ValidatorDeps): RejectionTargets => ({
  s3,
  sns,
  outputBucket: config.outputBucket,
  topicArn: config.topicArn,
  emailsPerHour: config.rejectionEmailsPerHour,
});

/** The EventBridge schedule's event (lib/upload-validation.ts invokes this function with it every 15 minutes). */
function isScheduledEvent(event: unknown): boolean {
  const fields = event as { source?: unknown; "detail-type"?: unknown } | null;
  return typeof event === "object" && fields?.source === "aws.events" && fields["detail-type"] === "Scheduled Event";
}

/** Sends the rejections held back in hours that are over, one digest per sender, even when no upload follows. */
async function sweepHeldRejections(deps: ValidatorDeps): Promise<UploadOutcome[]> {
  const held = await mailHeldDigests(rejectionTargets(deps), deps.now?.() ?? new Date());
  const outcomes = held.map(({ sender, digest }): UploadOutcome => ({ status: "digest", sender, count: digest.count }));
  for (const outcome of outcomes) logOutcome(deps, outcome);
  return outcomes;
}

/** Why an upload is none of the validator's business, or undefined when it is. */
function ignoreReason(config: ValidatorConfig, upload: UploadedObject): string | undefined {
  if (config.inputBucket !== undefined && upload.bucket !== config.inputBucket) return "not the input bucket";
  if (upload.bucket === config.outputBucket && upload.bucket !== config.inputBucket) return "the output bucket";
  if (isReservedKey(upload.key) && upload.bucket === config.outputBucket)
    return "a reserved prefix (the pipeline's own output)";
  // The S3 console's "Create folder" (a length folder like 10m/) stores an empty object named for the folder.
  if (upload.key.endsWith("/") && (upload.size ?? 0) === 0) return "a folder, not a song";
  return undefined;
}

function reservedPrefixNotice(key: string, owner: string | undefined): Notification {
  return {
    kind: "rejection",
    owner,
    subject: `Not extended: ${displayName(key)}`,
    text: [
      `Your upload "${displayName(key)}" was not extended.`,
      `Reason: names starting with ${RESERVED_PREFIXES.join(" or ")} are reserved for the pipeline's own files; upload it under another name.`,
    ].join("\n"),
  };
}

function ownerOf(deps: ValidatorDeps, object: StoredObject): string | undefined {
  const notify = object.metadata[NOTIFY_METADATA]?.trim();
  if (notify === undefined || notify === "") return undefined;
  if (z.email().safeParse(notify).success) return notify;
  deps.logger.warn("ignoring notify metadata that is not an email address");
  return undefined;
}

async function queueJob(deps: ValidatorDeps, job: JobMessage): Promise<void> {
  deps.logger.appendKeys({ jobId: job.jobId });
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.config.jobQueueUrl,
      MessageBody: JSON.stringify(job),
      MessageAttributes: { [JOB_ID_ATTRIBUTE]: { DataType: "String", StringValue: job.jobId } },
    }),
  );
}

function logOutcome(deps: ValidatorDeps, outcome: UploadOutcome): void {
  switch (outcome.status) {
    case "accepted":
      deps.metrics.addMetric("UploadsAccepted", MetricUnit.Count, 1);
      deps.logger.info("upload accepted", {
        targetSeconds: outcome.job.targetSeconds,
        form: outcome.job.form,
        input: outcome.job.input,
      });
      return;
    case "rejected":
      deps.metrics.addMetric("UploadsRejected", MetricUnit.Count, 1);
      deps.logger.info("upload rejected", { code: outcome.code, reason: outcome.reason, mail: outcome.mail });
      return;
    case "ignored":
      deps.logger.info("event ignored", { why: outcome.why });
      return;
    case "digest":
      deps.logger.info("held rejections mailed as a digest", { sender: outcome.sender, count: outcome.count });
      return;
  }
}

let validator: ((event: unknown) => Promise<UploadOutcome[]>) | undefined;

/** Lambda entry point. Configuration is read on the first invocation, so a missing variable fails loudly there. */
export const handler = async (event: unknown): Promise<UploadOutcome[]> => {
  if (validator === undefined) {
    const logger = new Logger();
    validator = createValidator({
      config: readValidatorConfig(),
      ...createAwsClients(),
      logger,
      metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "EmotionsHarmonizer", logger }),
    });
  }
  return validator(event);
};

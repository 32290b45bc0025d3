import { DeleteMessageCommand, type Message, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { Logger } from "@aws-lambda-powertools/logger";
import { isInputError } from "../../engine/errors.ts";
import type { ExtensionJobInput, ExtensionJobOutput } from "../../engine/job.ts";
import { errorMessage, InvalidJobMessageError } from "#aws/shared/errors.ts";
import { type JobMessage, parseJobMessage } from "#aws/shared/job-schema.ts";
import { publishNotification } from "#aws/shared/notifications.ts";
import { resultKeys } from "#aws/shared/object-keys.ts";
import { releaseClaim } from "./claim.ts";
import type { WorkerConfig } from "./config.ts";
import { setVisibility, startHeartbeat } from "./heartbeat.ts";
import { failureNotification, inputErrorNotification } from "./job-notifications.ts";
import { JobAbandonedError, runJobSteps, type StepsOutcome } from "./job-steps.ts";
import type { ModelSource } from "./model-store.ts";
import type { TaskProtection } from "./task-protection.ts";

/**
 * The engine facade (engine/job.ts runExtensionJob, or the same in a worker thread: engine-thread.ts), injected so
 * tests can pass a fake. `cancel` fires when the job is abandoned or passes its deadline: stop and reject.
 */
export type RunExtensionJob = (input: ExtensionJobInput, cancel?: AbortSignal) => Promise<ExtensionJobOutput>;

export interface WorkerDeps {
  readonly config: WorkerConfig;
  readonly queueUrl: string;
  readonly s3: S3Client;
  /** Signs result links; built from the dedicated presigning key when configured, else the same as s3. */
  readonly presignS3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly protection: TaskProtection;
  /** The model to use; called once per job, expected to cache. */
  readonly model: () => Promise<ModelSource>;
  readonly runJob: RunExtensionJob;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export type MessageOutcome = StepsOutcome | "input-error" | "failed" | "invalid" | "abandoned";

/** The job ran past config.jobDeadlineSeconds: the engine is stopped and the attempt counts as failed. */
export class JobDeadlineError extends Error {
  override readonly name: string = "JobDeadlineError";
}

/**
 * Handles one received job message end to end. `abandon` fires when the job must be given up
 * (shutdown grace elapsed): the message is made visible again at once and nothing more is written.
 */
export async function processMessage(
  deps: WorkerDeps,
  message: Message,
  abandon: AbortSignal,
): Promise<MessageOutcome> {
  const { logger, config } = deps;
  const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? "1");
  const lastAttempt = receiveCount >= config.maxReceiveCount;
  const messageId = message.MessageId ?? "unknown";
  const receiptHandle = message.ReceiptHandle ?? "";
  const receivedAt = Date.now();
  logger.appendKeys({ messageId, receiveCount });
  let job: JobMessage;
  try {
    job = parseJobMessage(message.Body);
  } catch (error) {
    if (!(error instanceof InvalidJobMessageError)) throw error;
    await deadLetterAtOnce(deps, message, error);
    logger.removeKeys(["messageId", "receiveCount"]);
    return "invalid";
  }

  logger.appendKeys({ jobId: job.jobId, key: job.key });
  await deps.protection.enable();
  const heartbeat = await startHeartbeat(
    deps.sqs,
    deps.queueUrl,
    receiptHandle,
    {
      extendSeconds: config.visibilityExtensionSeconds,
      intervalSeconds: config.heartbeatIntervalSeconds,
      invisibleUntil: receivedAt + config.queueVisibilityTimeoutSeconds * 1000,
    },
    logger,
  );
  const deadline = AbortSignal.timeout(config.jobDeadlineSeconds * 1000);
  const cancel = AbortSignal.any([abandon, deadline]);
  try {
    const outcome = await untilAborted(
      runJobSteps(deps, job, messageId, cancel),
      abandon,
      deadline,
      config.jobDeadlineSeconds,
    );
    await deleteMessage(deps, receiptHandle);
    logger.info("job finished", { outcome });
    return outcome;
  } catch (error) {
    heartbeat.stop();
    if (error instanceof JobAbandonedError) {
      await setVisibility(deps.sqs, deps.queueUrl, receiptHandle, 0);
      logger.warn("job abandoned at shutdown; message is visible again for another worker");
      return "abandoned";
    }
    if (isInputError(error)) {
      logger.info("the song cannot be extended", { code: error.code, reason: error.message });
      await publishNotification(deps.sns, config.topicArn, inputErrorNotification(job, error.message));
      await deleteMessage(deps, receiptHandle);
      return "input-error";
    }
    logger.error("job failed", { error, lastAttempt });
    if (lastAttempt) {
      await notifyQuietly(deps, failureNotification(job, receiveCount, errorMessage(error), messageId));
      // A redrive from the dead-letter queue is a new message: let it claim the job again.
      await releaseClaim(deps.s3, config.outputBucket, resultKeys(job.jobId, job.key).claim).catch((cause: unknown) =>
        logger.warn("could not release the job's claim", { error: cause }),
      );
    }
    await setVisibility(deps.sqs, deps.queueUrl, receiptHandle, config.retryDelaySeconds).catch((cause: unknown) =>
      logger.warn("could not shorten visibility after failure", { error: cause }),
    );
    return "failed";
  } finally {
    heartbeat.stop();
    await deps.protection.disable();
    logger.removeKeys(["messageId", "receiveCount", "jobId", "key"]);
  }
}

/**
 * A message that is not a job will never become one: move it to the dead-letter queue now (instead of three
 * receives of 30 min each, each able to boot a GPU instance) and tell the owner. Without a dead-letter queue
 * configured it is left to the queue's redrive policy.
 */
async function deadLetterAtOnce(deps: WorkerDeps, message: Message, error: InvalidJobMessageError): Promise<void> {
  const messageId = message.MessageId ?? "unknown";
  const dlq = deps.config.deadLetterQueueUrl;
  if (dlq === undefined) {
    deps.logger.error("invalid job message; no DEAD_LETTER_QUEUE_URL, leaving it to the redrive policy", { error });
    return;
  }
  deps.logger.error("invalid job message; moving it to the dead-letter queue at once", { error });
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: dlq,
      MessageBody: message.Body ?? "",
      MessageAttributes: { invalidReason: { DataType: "String", StringValue: error.message.slice(0, 1000) } },
    }),
  );
  await deleteMessage(deps, message.ReceiptHandle ?? "");
  await notifyQuietly(deps, failureNotification(undefined, 0, error.message, messageId));
}

async function deleteMessage(deps: WorkerDeps, receiptHandle: string): Promise<void> {
  await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: receiptHandle }));
}

/** A failure notice must not turn into a second failure: log instead of throwing. */
async function notifyQuietly(deps: WorkerDeps, notification: Parameters<typeof publishNotification>[2]): Promise<void> {
  await publishNotification(deps.sns, deps.config.topicArn, notification).catch((error: unknown) =>
    deps.logger.error("could not send the failure notification", { error }),
  );
}

/**
 * Resolves like `work`, or rejects as soon as `abandon` (JobAbandonedError) or `deadline` (JobDeadlineError)
 * fires; the engine is stopped through the same signals (a terminated worker thread).
 */
function untilAborted<T>(
  work: Promise<T>,
  abandon: AbortSignal,
  deadline: AbortSignal,
  deadlineSeconds: number,
): Promise<T> {
  const reason = () =>
    abandon.aborted
      ? new JobAbandonedError("job abandoned")
      : new JobDeadlineError(`the job ran past its deadline of ${deadlineSeconds} s`);
  if (abandon.aborted || deadline.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    const stopListening = () => {
      abandon.removeEventListener("abort", onAbort);
      deadline.removeEventListener("abort", onAbort);
    };
    abandon.addEventListener("abort", onAbort, { once: true });
    deadline.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        stopListening();
        resolve(value);
      },
      (error: unknown) => {
        stopListening();
        reject(error);
      },
    );
  });
}

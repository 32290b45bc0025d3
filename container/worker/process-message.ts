import type { Message } from "@aws-sdk/client-sqs";
import { isInputError } from "../../engine/errors.ts";
import { errorMessage, InvalidJobMessageError } from "#aws/shared/errors.ts";
import { type JobMessage, parseJobMessage } from "#aws/shared/job-schema.ts";
import { settleClaim } from "./claim.ts";
import {
  deadLetterUnreadable,
  deleteMessage,
  moveToDeadLetters,
  notifyQuietly,
  reportAndDeadLetter,
} from "./dead-letter.ts";
import type { WorkerDeps } from "./deps.ts";
import { setVisibility, startHeartbeat } from "./heartbeat.ts";
import { failureNotification } from "./job-notifications.ts";
import {
  claimPlace,
  JobAbandonedError,
  JobHeldError,
  runJobSteps,
  type StepsOutcome,
  UploadGoneError,
} from "./job-steps.ts";
import { isOperatorProblem, refuseJob } from "./refusal.ts";

export type MessageOutcome =
  | StepsOutcome
  | "input-error"
  | "failed"
  | "invalid"
  | "abandoned"
  | "deferred"
  | "dead-lettered";

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
  const messageId = message.MessageId ?? "unknown";
  const receiptHandle = message.ReceiptHandle ?? "";
  const receivedAt = Date.now();
  logger.appendKeys({ messageId, receiveCount });
  let job: JobMessage;
  try {
    job = parseJobMessage(message.Body);
    checkJobBucket(config.inputBucket, job);
  } catch (error) {
    if (!(error instanceof InvalidJobMessageError)) throw error;
    await deadLetterUnreadable(deps, message, error.message);
    logger.removeKeys(["messageId", "receiveCount"]);
    return "invalid";
  }

  logger.appendKeys({ jobId: job.jobId, key: job.key });
  if (receiveCount > config.maxReceiveCount) {
    try {
      return await reportAndDeadLetter(deps, message, job);
    } finally {
      logger.removeKeys(["messageId", "receiveCount", "jobId", "key"]);
    }
  }
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
    return await handleFailure(deps, message, job, error);
  } finally {
    heartbeat.stop();
    await deps.protection.disable();
    logger.removeKeys(["messageId", "receiveCount", "jobId", "key"]);
  }
}

/**
 * A job may name only the upload bucket the worker was deployed with: a message naming another bucket (the
 * models bucket, say) would copy that bucket's objects into results/ and mail links to them.
 */
function checkJobBucket(inputBucket: string | undefined, job: JobMessage): void {
  if (inputBucket !== undefined && job.bucket !== inputBucket) {
    throw new InvalidJobMessageError(
      `the job names bucket "${job.bucket}"; this worker reads uploads only from "${inputBucket}"`,
    );
  }
}

/** How an attempt that threw ends: waiting for another message, handed back, refused, retried or final. */
async function handleFailure(
  deps: WorkerDeps,
  message: Message,
  job: JobMessage,
  error: unknown,
): Promise<MessageOutcome> {
  const { logger, config } = deps;
  const receiptHandle = message.ReceiptHandle ?? "";
  const messageId = message.MessageId ?? "unknown";
  const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? "1");
  if (error instanceof JobHeldError) {
    const seconds = Math.ceil((error.until.getTime() - Date.now()) / 1000) + 60;
    await setVisibility(deps.sqs, deps.queueUrl, receiptHandle, seconds);
    logger.info("another message holds this job; looking again when its lease ends", { seconds });
    return "deferred";
  }
  if (error instanceof JobAbandonedError) {
    await setVisibility(deps.sqs, deps.queueUrl, receiptHandle, 0);
    logger.warn("job abandoned at shutdown; message is visible again for another worker");
    return "abandoned";
  }
  if ((isInputError(error) && !isOperatorProblem(error)) || error instanceof UploadGoneError) {
    logger.info("the song cannot be extended", {
      reason: error.message,
      ...(isInputError(error) ? { code: error.code } : {}),
    });
    await refuseJob(deps, job, messageId, error);
    await deleteMessage(deps, receiptHandle);
    return "input-error";
  }
  const lastAttempt = receiveCount >= config.maxReceiveCount;
  logger.error("job failed", { error, lastAttempt });
  if (lastAttempt) {
    await notifyQuietly(deps, failureNotification(job, receiveCount, errorMessage(error), messageId));
    // Told, and free for a redrive from the dead-letter queue (a new message), which it joins now.
    await settleClaim(claimPlace(deps, job), messageId, "failed", deps.now?.() ?? new Date());
    await moveToDeadLetters(deps, message, errorMessage(error));
    return "failed";
  }
  await setVisibility(deps.sqs, deps.queueUrl, receiptHandle, config.retryDelaySeconds).catch((cause: unknown) =>
    logger.warn("could not shorten visibility after failure", { error: cause }),
  );
  return "failed";
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

// Where these lived before deps.ts; kept so that older imports keep working.
export type { RunExtensionJob, WorkerDeps } from "./deps.ts";

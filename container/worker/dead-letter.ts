import { DeleteMessageCommand, type Message, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { JobMessage } from "#aws/shared/job-schema.ts";
import { publishNotification } from "#aws/shared/notifications.ts";
import { readClaim, settleClaim } from "./claim.ts";
import type { WorkerDeps } from "./deps.ts";
import { setVisibility } from "./heartbeat.ts";
import { failureNotification, silentFailureNotification } from "./job-notifications.ts";
import { claimPlace } from "./job-steps.ts";

export async function deleteMessage(deps: WorkerDeps, receiptHandle: string): Promise<void> {
  await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: receiptHandle }));
}

/** A failure notice must not turn into a second failure: log instead of throwing. */
export async function notifyQuietly(
  deps: WorkerDeps,
  notification: Parameters<typeof publishNotification>[2],
): Promise<void> {
  await publishNotification(deps.sns, deps.config.topicArn, notification).catch((error: unknown) =>
    deps.logger.error("could not send the failure notification", { error }),
  );
}

/**
 * Moves the message to the dead-letter queue now (a send there, which the failed-jobs alarm counts one by one,
 * then a delete here). Without a dead-letter queue configured it is made visible again for the redrive policy.
 */
export async function moveToDeadLetters(deps: WorkerDeps, message: Message, reason: string): Promise<void> {
  const dlq = deps.config.deadLetterQueueUrl;
  const receiptHandle = message.ReceiptHandle ?? "";
  if (dlq === undefined) {
    deps.logger.error("no DEAD_LETTER_QUEUE_URL; leaving the message to the redrive policy", { reason });
    await setVisibility(deps.sqs, deps.queueUrl, receiptHandle, 0);
    return;
  }
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: dlq,
      MessageBody: message.Body ?? "",
      MessageAttributes: { failureReason: { DataType: "String", StringValue: reason.slice(0, 1000) } },
    }),
  );
  await deleteMessage(deps, receiptHandle);
}

/**
 * The receive after the last attempt (the queue's redrive policy allows one more receive than the worker's
 * attempts): every attempt ended without the job being done. When the last one reported its failure (the claim
 * says `failed`) the message only moves to the dead-letter queue; when it died without a word (killed for memory,
 * the instance lost) the owner is told now, and the claim is marked failed so that a redrive runs the job.
 * A duplicate of a job another message holds or has done is dropped.
 */
export async function reportAndDeadLetter(
  deps: WorkerDeps,
  message: Message,
  job: JobMessage,
): Promise<"dead-lettered" | "duplicate"> {
  const messageId = message.MessageId ?? "unknown";
  const place = claimPlace(deps, job);
  const existing = await readClaim(place);
  const claim = existing?.claim;
  if (claim !== undefined && claim.messageId !== messageId && claim.state !== "failed") {
    deps.logger.info("another message holds or has done this job; dropping this one", { claim });
    await deleteMessage(deps, message.ReceiptHandle ?? "");
    return "duplicate";
  }
  const attempts = deps.config.maxReceiveCount;
  if (claim?.state !== "failed") {
    deps.logger.error("the job's last attempt ended without a word (the worker was killed?); telling the owner");
    await notifyQuietly(deps, silentFailureNotification(job, attempts, messageId));
    await settleClaim(place, messageId, "failed", deps.now?.() ?? new Date());
  }
  await moveToDeadLetters(deps, message, `no attempt of ${attempts} finished`);
  return "dead-lettered";
}

/** The message cannot be read as a job: dead-lettered at once, with a notice. */
export async function deadLetterUnreadable(deps: WorkerDeps, message: Message, reason: string): Promise<void> {
  deps.logger.error("invalid job message; moving it to the dead-letter queue at once", { reason });
  await moveToDeadLetters(deps, message, reason);
  if (deps.config.deadLetterQueueUrl !== undefined) {
    await notifyQuietly(deps, failureNotification(undefined, 0, reason, message.MessageId ?? "unknown"));
  }
}

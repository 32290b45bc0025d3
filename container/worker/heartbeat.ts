import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "@aws-lambda-powertools/logger";

export interface Heartbeat {
  stop(): void;
}

export interface HeartbeatOptions {
  readonly extendSeconds: number;
  readonly intervalSeconds: number;
}

/** Sets a message's visibility timeout. SQS caps it at 12 hours. */
export async function setVisibility(sqs: SQSClient, queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.min(Math.round(seconds), 43_200),
    }),
  );
}

/**
 * Keeps a message invisible while its job runs: extends at once (the queue's own timeout may be
 * short), then every interval. A failed beat is logged, not thrown: the job goes on.
 */
export async function startHeartbeat(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  options: HeartbeatOptions,
  logger: Logger,
): Promise<Heartbeat> {
  const beat = () =>
    setVisibility(sqs, queueUrl, receiptHandle, options.extendSeconds).catch((error: unknown) =>
      logger.warn("visibility heartbeat failed", { error }),
    );
  await beat();
  const timer = setInterval(beat, options.intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

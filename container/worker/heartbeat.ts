import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "@aws-lambda-powertools/logger";

export interface Heartbeat {
  stop(): void;
}

export interface HeartbeatOptions {
  readonly extendSeconds: number;
  readonly intervalSeconds: number;
  /**
   * Epoch ms until which the message is already invisible (receive time + the queue's visibility timeout).
   * A beat never sets a visibility that ends sooner: ChangeMessageVisibility counts from now, so a 600 s
   * extension of a message received with 1,800 s would otherwise shorten it.
   */
  readonly invisibleUntil?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/** SQS caps a message's visibility at 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/** Sets a message's visibility timeout. SQS caps it at 12 hours. */
export async function setVisibility(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.min(Math.round(seconds), MAX_VISIBILITY_SECONDS),
    }),
  );
}

/**
 * Keeps a message invisible while its job runs: extends at once (the queue's own timeout may be
 * short), then every interval, never ending the invisibility sooner than it already ends. A failed beat is
 * logged, not thrown: the job goes on. The engine runs in a worker thread, so the timer keeps firing.
 */
export async function startHeartbeat(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  options: HeartbeatOptions,
  logger: Logger,
): Promise<Heartbeat> {
  const now = options.now ?? Date.now;
  let invisibleUntil = options.invisibleUntil ?? 0;
  const beat = () => {
    const left = Math.ceil((invisibleUntil - now()) / 1000);
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(options.extendSeconds, left));
    return setVisibility(sqs, queueUrl, receiptHandle, seconds).then(
      () => {
        invisibleUntil = Math.max(invisibleUntil, now() + seconds * 1000);
      },
      (error: unknown) => logger.warn("visibility heartbeat failed", { error }),
    );
  };
  await beat();
  const timer = setInterval(beat, options.intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

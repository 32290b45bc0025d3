import { GetQueueUrlCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { WorkerConfig } from "./config.ts";
import type { WorkerDeps } from "./deps.ts";
import { type MessageOutcome, processMessage } from "./process-message.ts";

export interface RunOptions {
  /** SIGTERM: stop polling; the job in hand gets `graceMs` to finish, else it is handed back. */
  readonly shutdown: AbortSignal;
  readonly graceMs: number;
  /** Stop after handling this many messages (tests); unlimited by default. */
  readonly maxMessages?: number;
  /** Stop when a receive returns nothing (tests); by default keep polling. */
  readonly stopWhenIdle?: boolean;
}

export interface RunSummary {
  readonly outcomes: MessageOutcome[];
}

/** JOB_QUEUE_URL as given, or the URL of QUEUE_NAME. */
export async function resolveQueueUrl(sqs: SQSClient, queue: WorkerConfig["queue"]): Promise<string> {
  if ("url" in queue) return queue.url;
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }));
  if (QueueUrl === undefined) throw new Error(`queue ${queue.name} has no URL`);
  return QueueUrl;
}

/** One long poll for one message; undefined when none came or the wait was cut short by shutdown. */
export async function receiveOne(deps: WorkerDeps, shutdown: AbortSignal): Promise<Message | undefined> {
  try {
    const { Messages } = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deps.queueUrl,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: deps.config.waitTimeSeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        MessageAttributeNames: ["All"],
      }),
      { abortSignal: shutdown },
    );
    return Messages?.[0];
  } catch (error) {
    if (shutdown.aborted) return undefined;
    throw error;
  }
}

/**
 * The worker loop: receive one message, process it, repeat until shutdown. A failure to receive
 * (throttling, network) is logged and retried after a pause; it never ends the loop.
 */
export async function runWorker(deps: WorkerDeps, options: RunOptions): Promise<RunSummary> {
  const outcomes: MessageOutcome[] = [];
  while (!options.shutdown.aborted && outcomes.length < (options.maxMessages ?? Number.POSITIVE_INFINITY)) {
    let message: Message | undefined;
    try {
      message = await receiveOne(deps, options.shutdown);
    } catch (error) {
      deps.logger.error("receiving from the job queue failed", { error });
      await pause(5_000, options.shutdown);
      continue;
    }
    if (message === undefined) {
      if (options.stopWhenIdle) break;
      continue;
    }
    outcomes.push(await handleWithGrace(deps, message, options));
  }
  deps.logger.info("worker stopped", { handled: outcomes.length, shutdown: options.shutdown.aborted });
  return { outcomes };
}

async function handleWithGrace(deps: WorkerDeps, message: Message, options: RunOptions): Promise<MessageOutcome> {
  const abandon = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;
  const startGrace = () => {
    deps.logger.info("shutdown requested during a job", { graceMs: options.graceMs });
    // No grace means now: a zero-delay timer could fire only after CPU-bound engine work and an upload had begun.
    if (options.graceMs <= 0) abandon.abort();
    else graceTimer = setTimeout(() => abandon.abort(), options.graceMs);
  };
  if (options.shutdown.aborted) startGrace();
  else options.shutdown.addEventListener("abort", startGrace, { once: true });
  try {
    return await processMessage(deps, message, abandon.signal);
  } catch (error) {
    // Notifying or handing back failed too: the message returns when its visibility times out.
    deps.logger.error("could not finish handling the message", { error });
    return "failed";
  } finally {
    options.shutdown.removeEventListener("abort", startGrace);
    clearTimeout(graceTimer);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

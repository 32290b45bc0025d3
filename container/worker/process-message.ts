import { DeleteMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { Logger } from "@aws-lambda-powertools/logger";
import { z } from "zod";
import { isInputError } from "../../engine/errors.ts";
import type { ExtensionJobInput, ExtensionJobOutput } from "../../engine/job.ts";
import { errorMessage, InvalidJobMessageError } from "../../functions/commons/errors.ts";
import { type JobMessage, parseJobMessage } from "../../functions/commons/job-schema.ts";
import { publishNotification } from "../../functions/commons/notifications.ts";
import { baseName, type ResultKeys, resultKeys } from "../../functions/commons/object-keys.ts";
import type { WorkerConfig } from "./config.ts";
import { setVisibility, startHeartbeat } from "./heartbeat.ts";
import {
  failureNotification,
  inputErrorNotification,
  type ResultLinks,
  type ResultSummary,
  resultNotification,
} from "./job-notifications.ts";
import type { ModelSource } from "./model-store.ts";
import { linkLifetime, presignDownload } from "./presign.ts";
import { resultExists, uploadResult } from "./results.ts";
import type { TaskProtection } from "./task-protection.ts";

/** The engine facade (engine/job.ts runExtensionJob), injected so tests can pass a fake. */
export type RunExtensionJob = (input: ExtensionJobInput) => Promise<ExtensionJobOutput>;

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

export type MessageOutcome =
  | "completed"
  | "renotified"
  | "input-error"
  | "failed"
  | "invalid"
  | "abandoned";

/** Thrown inside a job once it has been handed back to the queue, so no later step runs. */
class JobAbandonedError extends Error {
  override readonly name: string = "JobAbandonedError";
}

/**
 * Handles one received job message end to end. `abandon` fires when the job must be given up
 * (shutdown grace elapsed): the message is made visible again at once and nothing more is written.
 */
export async function processMessage(deps: WorkerDeps, message: Message, abandon: AbortSignal): Promise<MessageOutcome> {
  const { logger, config } = deps;
  const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? "1");
  const lastAttempt = receiveCount >= config.maxReceiveCount;
  const messageId = message.MessageId ?? "unknown";
  const receiptHandle = message.ReceiptHandle ?? "";
  logger.appendKeys({ messageId, receiveCount });
  let job: JobMessage | undefined;
  try {
    job = parseJobMessage(message.Body);
  } catch (error) {
    if (!(error instanceof InvalidJobMessageError)) throw error;
    logger.error("invalid job message; leaving it for the dead-letter queue", { error, lastAttempt });
    if (lastAttempt) await notifyQuietly(deps, failureNotification(undefined, receiveCount, error.message, messageId));
    logger.removeKeys(["messageId", "receiveCount"]);
    return "invalid";
  }

  logger.appendKeys({ jobId: job.jobId, key: job.key });
  await deps.protection.enable();
  const heartbeat = await startHeartbeat(
    deps.sqs,
    deps.queueUrl,
    receiptHandle,
    { extendSeconds: config.visibilityExtensionSeconds, intervalSeconds: config.heartbeatIntervalSeconds },
    logger,
  );
  try {
    const outcome = await untilAborted(runJobSteps(deps, job, abandon), abandon);
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

async function runJobSteps(deps: WorkerDeps, job: JobMessage, abandon: AbortSignal): Promise<"completed" | "renotified"> {
  const { config, logger } = deps;
  const keys = resultKeys(job.jobId, job.key);
  const checkpoint = () => {
    if (abandon.aborted) throw new JobAbandonedError("job abandoned");
  };

  if (await resultExists(deps.s3, config.outputBucket, keys)) {
    logger.info("result already exists; notifying again");
    const summary = await readStoredSummary(deps.s3, config.outputBucket, keys);
    checkpoint();
    await notifyResult(deps, job, keys, summary, true);
    return "renotified";
  }

  const input = await deps.s3.send(new GetObjectCommand({ Bucket: job.bucket, Key: job.key }));
  const bytes = (await input.Body?.transformToByteArray()) ?? new Uint8Array();
  checkpoint();
  const model = await deps.model();
  checkpoint();
  logger.info("extending", {
    targetSeconds: job.targetSeconds,
    form: job.form,
    model: model.description,
    engine: config.engine,
  });

  let lastLogged = 0;
  const output = await deps.runJob({
    bytes,
    targetSeconds: job.targetSeconds,
    form: job.form,
    engine: config.engine,
    limits: config.limits,
    ...(model.dir === undefined ? {} : { modelDir: model.dir }),
    onProgress: (done, total) => {
      checkpoint(); // throwing here stops the engine between chunks
      if (done - lastLogged >= 30 || done >= total) {
        lastLogged = done;
        logger.info("progress", { doneSeconds: done, totalSeconds: total });
      }
    },
  });
  checkpoint();
  await uploadResult(deps.s3, config.outputBucket, keys, output);
  checkpoint();
  await notifyResult(deps, job, keys, summaryOf(output.report), false);
  return "completed";
}

async function notifyResult(deps: WorkerDeps, job: JobMessage, keys: ResultKeys, summary: ResultSummary, repeated: boolean) {
  const { config } = deps;
  const lifetime = await linkLifetime(deps.presignS3, config.resultLinkDays, deps.now?.() ?? new Date());
  if (lifetime.seconds < config.resultLinkDays * 86_400) {
    deps.logger.warn("result links live shorter than asked", { days: config.resultLinkDays, seconds: lifetime.seconds });
  }
  const name = baseName(job.key);
  const sign = (key: string, fileName: string) => presignDownload(deps.presignS3, config.outputBucket, key, fileName, lifetime);
  const links: ResultLinks = {
    wav: await sign(keys.wav, `${name}-extended.wav`),
    picture: await sign(keys.picture, `${name}-extended.png`),
    report: await sign(keys.report, `${name}-report.json`),
  };
  await publishNotification(deps.sns, config.topicArn, resultNotification(job, links, summary, repeated));
}

const StoredReportSchema = z.looseObject({
  engine: z.string(),
  model: z.string().optional(),
  notes: z.array(z.string()).default([]),
  form: z.string().optional(),
  formReason: z.string().optional(),
  output: z.looseObject({ seconds: z.number() }),
});

function summaryOf(report: unknown): ResultSummary {
  const parsed = StoredReportSchema.parse(report);
  return {
    outputSeconds: parsed.output.seconds,
    engine: parsed.engine,
    notes: parsed.notes,
    usedModel: parsed.model !== undefined,
    form: parsed.form,
    formReason: parsed.formReason,
  };
}

async function readStoredSummary(s3: S3Client, bucket: string, keys: ResultKeys): Promise<ResultSummary> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys.report }));
  return summaryOf(JSON.parse((await response.Body?.transformToString()) ?? "{}"));
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

/** Resolves like `work`, or rejects with JobAbandonedError as soon as `signal` fires (work keeps running unobserved). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new JobAbandonedError("job abandoned"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new JobAbandonedError("job abandoned"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

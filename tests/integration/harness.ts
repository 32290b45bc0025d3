import { PutObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import { readValidatorConfig } from "../../functions/validator/config.ts";
import { createValidator, type UploadOutcome } from "../../functions/validator/handler.ts";
import { readWorkerConfig } from "../../container/worker/config.ts";
import { locateModel } from "../../container/worker/model-store.ts";
import type { RunExtensionJob, WorkerDeps } from "../../container/worker/deps.ts";
import { NO_TASK_PROTECTION } from "../../container/worker/task-protection.ts";
import { runWorker, type RunSummary } from "../../container/worker/worker.ts";
import { drainS3Events, type TestPipeline } from "../support/aws.ts";

/** The limits as the stack would set them on both the Lambda and the task definition. */
export const TEST_LIMITS_ENV: Readonly<Record<string, string>> = {
  MAX_UPLOAD_BYTES: String(50 * 1024 * 1024),
  MAX_INPUT_SECONDS: "600",
  MAX_TARGET_SECONDS: "3600",
};

export const quietLogger = (): Logger =>
  new Logger({ serviceName: "harmonizer-test", logLevel: (process.env.TEST_LOG_LEVEL ?? "SILENT") as "SILENT" });

/** The validator exactly as the Lambda handler builds it, from the environment CDK sets, against moto. */
export function testValidator(
  clients: AwsClients,
  pipeline: TestPipeline,
  env: Readonly<Record<string, string>> = {},
  now?: () => Date,
): (event: unknown) => Promise<UploadOutcome[]> {
  const config = readValidatorConfig({
    JOB_QUEUE_URL: pipeline.jobQueueUrl,
    INPUT_BUCKET: pipeline.inputBucket,
    OUTPUT_BUCKET: pipeline.outputBucket,
    TOPIC_ARN: pipeline.topicArn,
    DEFAULT_TARGET: "x2",
    ...TEST_LIMITS_ENV,
    ...env,
  });
  const logger = quietLogger();
  const metrics = new Metrics({ namespace: "HarmonizerTest", serviceName: "validator", logger });
  return createValidator({ config, ...clients, logger, metrics, ...(now === undefined ? {} : { now }) });
}

/** The worker's dependencies as container/worker/main.ts wires them, against moto, with the given engine. */
export function testWorkerDeps(
  clients: AwsClients,
  pipeline: TestPipeline,
  runJob: RunExtensionJob,
  env: Readonly<Record<string, string>> = {},
): WorkerDeps {
  const config = readWorkerConfig({
    ...TEST_LIMITS_ENV,
    JOB_QUEUE_URL: pipeline.jobQueueUrl,
    INPUT_BUCKET: pipeline.inputBucket,
    OUTPUT_BUCKET: pipeline.outputBucket,
    TOPIC_ARN: pipeline.topicArn,
    MODELS_BUCKET: pipeline.modelsBucket,
    DEAD_LETTER_QUEUE_URL: pipeline.deadLetterQueueUrl,
    BAKED_MODEL_DIR: "/nonexistent/harmonizer-model",
    RESULT_LINK_DAYS: "3",
    WAIT_TIME_SECONDS: "1",
    RETRY_DELAY_SECONDS: "0",
    VISIBILITY_EXTENSION_SECONDS: "120",
    HEARTBEAT_INTERVAL_SECONDS: "30",
    ...env,
  });
  return {
    config,
    queueUrl: pipeline.jobQueueUrl,
    s3: clients.s3,
    presignS3: clients.s3,
    sqs: clients.sqs,
    sns: clients.sns,
    protection: NO_TASK_PROTECTION,
    model: () => locateModel(clients.s3, config),
    runJob,
    logger: quietLogger(),
  };
}

/** Uploads to the input bucket, then hands every S3 event from the trigger queue to the validator, as Lambda would. */
export async function uploadAndValidate(
  clients: AwsClients,
  pipeline: TestPipeline,
  validator: (event: unknown) => Promise<UploadOutcome[]>,
  upload: { key: string; body: Uint8Array | string; metadata?: Record<string, string> },
): Promise<UploadOutcome[]> {
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: pipeline.inputBucket,
      Key: upload.key,
      Body: upload.body,
      Metadata: upload.metadata,
    }),
  );
  const outcomes: UploadOutcome[] = [];
  for (const event of await drainS3Events(clients.sqs, pipeline.triggerQueueUrl)) {
    outcomes.push(...(await validator(event)));
  }
  return outcomes;
}

async function queueIsEmpty(deps: WorkerDeps): Promise<boolean> {
  const { Attributes } = await deps.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: deps.queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible) === 0
  );
}

/**
 * Runs the worker loop until the job queue holds no message, visible or in flight (messages waiting
 * out a visibility timeout come back and are handled too). Gives up after `timeoutMs`.
 */
export async function runWorkerUntilQueueEmpty(deps: WorkerDeps, timeoutMs = 30_000): Promise<RunSummary> {
  const deadline = Date.now() + timeoutMs;
  const outcomes: RunSummary["outcomes"] = [];
  do {
    const run = await runWorker(deps, { shutdown: new AbortController().signal, graceMs: 0, stopWhenIdle: true });
    outcomes.push(...run.outcomes);
  } while (!(await queueIsEmpty(deps)) && Date.now() < deadline);
  return { outcomes };
}

/** The event an EventBridge schedule delivers to its Lambda target. */
export const scheduledEvent = (time: Date) => ({
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
  region: "us-east-1",
  resources: ["arn:aws:events:us-east-1:123456789012:rule/rejection-digests"],
  detail: {},
});

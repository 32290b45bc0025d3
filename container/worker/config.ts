import { ConfigurationError } from "#aws/shared/errors.ts";
import { optionalEnv, positiveNumberEnv, readLimitsEnv, requireEnv } from "#aws/shared/config.ts";
import { CURRENT_MODEL_PREFIX } from "#aws/shared/model-keys.ts";
import { DEFAULT_REJECTION_EMAILS_PER_HOUR } from "#aws/shared/rejection-notice.ts";
import type { InputLimits } from "../../contract/pipeline.ts";
import { DEFAULT_ENGINE, ENGINES, type EngineName } from "../../engine/extend/types.ts";

type Env = Readonly<Record<string, string | undefined>>;

export interface WorkerConfig {
  /** JOB_QUEUE_URL, or resolved from QUEUE_NAME (set by QueueProcessingEc2Service). */
  readonly queue: { readonly url: string } | { readonly name: string };
  readonly outputBucket: string;
  /** The upload bucket the stack deployed this worker with: a job naming any other bucket is refused. */
  readonly inputBucket?: string | undefined;
  readonly topicArn: string;
  /** Rejection emails one sender gets per hour, counted with the validator's (REJECTION_EMAILS_PER_HOUR). */
  readonly rejectionEmailsPerHour: number;
  readonly modelsBucket?: string | undefined;
  readonly modelPrefix: string;
  /** A model directory baked into the image, used when the models bucket holds none. */
  readonly bakedModelDir: string;
  readonly engine: EngineName;
  /** The deployed limits (the task definition carries the validator's): passed to the engine with every job. */
  readonly limits: InputLimits;
  /** Days the presigned result links should live (SigV4 allows at most 7). */
  readonly resultLinkDays: number;
  readonly presignCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  readonly ecsMetadataUri?: string | undefined;
  readonly waitTimeSeconds: number;
  /** Each heartbeat makes the message invisible for this long again (never less than what is left). */
  readonly visibilityExtensionSeconds: number;
  /** The job queue's own visibility timeout: a received message is invisible this long before any heartbeat. */
  readonly queueVisibilityTimeoutSeconds: number;
  /** A job still running after this long is stopped and counts as a failed attempt. */
  readonly jobDeadlineSeconds: number;
  /** Unreadable job messages are moved here at once; without it they wait out the redrive policy. */
  readonly deadLetterQueueUrl?: string | undefined;
  readonly heartbeatIntervalSeconds: number;
  /** After a failure the message becomes visible again after this long (instead of the heartbeat's extension). */
  readonly retryDelaySeconds: number;
  /** The queue's redrive maxReceiveCount: the receive on which a failure is final. */
  readonly maxReceiveCount: number;
  /** After SIGTERM, how long the job in hand may still run before it is handed back to the queue. */
  readonly shutdownGraceSeconds: number;
  readonly taskProtectionMinutes: number;
}

function nonNegativeEnv(env: Env, name: string, fallback: number): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`environment variable ${name} must be a number >= 0, got "${raw}"`);
  }
  return value;
}

/** Reads the worker's environment; throws ConfigurationError naming what is missing or malformed. */
export function readWorkerConfig(env: Env = process.env): WorkerConfig {
  const queueUrl = optionalEnv(env, "JOB_QUEUE_URL");
  const queueName = optionalEnv(env, "QUEUE_NAME");
  if (queueUrl === undefined && queueName === undefined) {
    throw new ConfigurationError("environment variable JOB_QUEUE_URL (or QUEUE_NAME) is required but not set");
  }
  const engine = (optionalEnv(env, "ENGINE") ?? DEFAULT_ENGINE) as EngineName;
  if (!ENGINES.includes(engine)) {
    throw new ConfigurationError(`environment variable ENGINE must be one of ${ENGINES.join(", ")}, got "${engine}"`);
  }
  const accessKeyId = optionalEnv(env, "PRESIGN_ACCESS_KEY_ID");
  const secretAccessKey = optionalEnv(env, "PRESIGN_SECRET_ACCESS_KEY");
  return {
    queue: queueUrl !== undefined ? { url: queueUrl } : { name: queueName as string },
    outputBucket: requireEnv(env, "OUTPUT_BUCKET"),
    inputBucket: optionalEnv(env, "INPUT_BUCKET"),
    topicArn: requireEnv(env, "TOPIC_ARN"),
    rejectionEmailsPerHour: positiveNumberEnv(env, "REJECTION_EMAILS_PER_HOUR", DEFAULT_REJECTION_EMAILS_PER_HOUR),
    modelsBucket: optionalEnv(env, "MODELS_BUCKET"),
    modelPrefix: optionalEnv(env, "MODEL_PREFIX") ?? CURRENT_MODEL_PREFIX,
    bakedModelDir: optionalEnv(env, "BAKED_MODEL_DIR") ?? "/app/models/baked",
    engine,
    limits: readLimitsEnv(env),
    resultLinkDays: positiveNumberEnv(env, "RESULT_LINK_DAYS", 7),
    presignCredentials:
      accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : undefined,
    ecsMetadataUri: optionalEnv(env, "ECS_CONTAINER_METADATA_URI_V4"),
    waitTimeSeconds: nonNegativeEnv(env, "WAIT_TIME_SECONDS", 20),
    visibilityExtensionSeconds: positiveNumberEnv(env, "VISIBILITY_EXTENSION_SECONDS", 600),
    queueVisibilityTimeoutSeconds: nonNegativeEnv(env, "QUEUE_VISIBILITY_TIMEOUT_SECONDS", 0),
    jobDeadlineSeconds: positiveNumberEnv(env, "JOB_DEADLINE_SECONDS", 3 * 3600),
    deadLetterQueueUrl: optionalEnv(env, "DEAD_LETTER_QUEUE_URL"),
    heartbeatIntervalSeconds: positiveNumberEnv(env, "HEARTBEAT_INTERVAL_SECONDS", 120),
    retryDelaySeconds: nonNegativeEnv(env, "RETRY_DELAY_SECONDS", 30),
    maxReceiveCount: positiveNumberEnv(env, "MAX_RECEIVE_COUNT", 3),
    shutdownGraceSeconds: nonNegativeEnv(env, "SHUTDOWN_GRACE_SECONDS", 25),
    taskProtectionMinutes: positiveNumberEnv(env, "TASK_PROTECTION_MINUTES", 240),
  };
}

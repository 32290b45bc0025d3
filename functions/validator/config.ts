import type { InputLimits, TargetLength } from "../../contract/pipeline.ts";
import { DEFAULT_REJECTION_EMAILS_PER_HOUR } from "#aws/shared/rejection-notice.ts";
import { lengthEnv, optionalEnv, positiveNumberEnv, readLimitsEnv, requireEnv } from "#aws/shared/config.ts";

export interface ValidatorConfig {
  readonly jobQueueUrl: string;
  readonly outputBucket: string;
  readonly topicArn: string;
  /** When set, events from other buckets are ignored. */
  readonly inputBucket?: string | undefined;
  /** The result's length when an upload names none (DEFAULT_TARGET, e.g. "x2"). */
  readonly defaultTarget: TargetLength;
  readonly limits: InputLimits;
  /** How much of the object's start is read to learn its format and duration. */
  readonly probeBytes: number;
  /** Rejection emails one sender gets per hour; the rest are listed in the next one after the hour. */
  readonly rejectionEmailsPerHour: number;
}

const DEFAULT_PROBE_BYTES = 1024 * 1024;

/** Reads the validator's environment; throws ConfigurationError naming any missing variable. */
export function readValidatorConfig(env: Readonly<Record<string, string | undefined>> = process.env): ValidatorConfig {
  return {
    jobQueueUrl: requireEnv(env, "JOB_QUEUE_URL"),
    outputBucket: requireEnv(env, "OUTPUT_BUCKET"),
    topicArn: requireEnv(env, "TOPIC_ARN"),
    inputBucket: optionalEnv(env, "INPUT_BUCKET"),
    defaultTarget: lengthEnv(env, "DEFAULT_TARGET"),
    limits: readLimitsEnv(env),
    probeBytes: positiveNumberEnv(env, "PROBE_BYTES", DEFAULT_PROBE_BYTES),
    rejectionEmailsPerHour: positiveNumberEnv(env, "REJECTION_EMAILS_PER_HOUR", DEFAULT_REJECTION_EMAILS_PER_HOUR),
  };
}

import type { InputLimits } from "../../contract/pipeline.ts";
import { optionalEnv, positiveNumberEnv, readLimitsEnv, requireEnv } from "#aws/shared/config.ts";

export interface ValidatorConfig {
  readonly jobQueueUrl: string;
  readonly outputBucket: string;
  readonly topicArn: string;
  /** When set, events from other buckets are ignored. */
  readonly inputBucket?: string | undefined;
  readonly defaultTargetSeconds: number;
  readonly limits: InputLimits;
  /** How much of the object's start is read to learn its format and duration. */
  readonly probeBytes: number;
}

const DEFAULT_PROBE_BYTES = 1024 * 1024;

/** Reads the validator's environment; throws ConfigurationError naming any missing variable. */
export function readValidatorConfig(env: Readonly<Record<string, string | undefined>> = process.env): ValidatorConfig {
  return {
    jobQueueUrl: requireEnv(env, "JOB_QUEUE_URL"),
    outputBucket: requireEnv(env, "OUTPUT_BUCKET"),
    topicArn: requireEnv(env, "TOPIC_ARN"),
    inputBucket: optionalEnv(env, "INPUT_BUCKET"),
    defaultTargetSeconds: positiveNumberEnv(env, "DEFAULT_TARGET_SECONDS"),
    limits: readLimitsEnv(env),
    probeBytes: positiveNumberEnv(env, "PROBE_BYTES", DEFAULT_PROBE_BYTES),
  };
}

import { ECSClient } from "@aws-sdk/client-ecs";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";

export interface AwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly ecs: ECSClient;
}

/** Overrides for tests against a local emulator; in AWS everything comes from the environment. */
export interface AwsClientOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: S3ClientConfig["credentials"];
  /** Attempts per call including the first (SDK standard retry mode with backoff). */
  readonly maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * SDK v3 honours AWS_ENDPOINT_URL on its own; S3 additionally needs path-style addressing against
 * an emulator, since `<bucket>.127.0.0.1` does not resolve.
 */
export function createAwsClients(
  options: AwsClientOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): AwsClients {
  const common = {
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  const usesCustomEndpoint = options.endpoint !== undefined || Boolean(env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_S3);
  return {
    s3: new S3Client({ ...common, forcePathStyle: usesCustomEndpoint }),
    sqs: new SQSClient(common),
    sns: new SNSClient(common),
    ecs: new ECSClient(common),
  };
}

import type { Logger } from "@aws-lambda-powertools/logger";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { ExtensionJobInput, ExtensionJobOutput } from "../../engine/job.ts";
import type { WorkerConfig } from "./config.ts";
import type { ModelSource } from "./model-store.ts";
import type { TaskProtection } from "./task-protection.ts";

/**
 * The engine facade (engine/job.ts runExtensionJob, or the same in a worker thread: engine-thread.ts), injected so
 * tests can pass a fake. `cancel` fires when the job is abandoned or passes its deadline: stop and reject.
 */
export type RunExtensionJob = (input: ExtensionJobInput, cancel?: AbortSignal) => Promise<ExtensionJobOutput>;

/** What the worker's message handling and job steps use, wired by main.ts (and by the tests against moto). */
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

/**
 * The GPU worker's entry point (container CMD): wires configuration, AWS clients and the engine into
 * the worker loop, and turns SIGTERM (ECS stopping the task) into a graceful shutdown.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { createAwsClients } from "#aws/shared/aws-clients.ts";
import { readWorkerConfig } from "./config.ts";
import { threadedRunJob } from "./engine-thread.ts";
import { LIVENESS_FILE, startLiveness } from "./liveness.ts";
import { locateModel, type ModelSource } from "./model-store.ts";
import type { WorkerDeps } from "./deps.ts";
import { createTaskProtection } from "./task-protection.ts";
import { resolveQueueUrl, runWorker } from "./worker.ts";

async function main(): Promise<void> {
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "harmonizer-worker" });
  // Signal handlers first: loading the engine (TensorFlow) takes seconds, and ECS may stop the task meanwhile.
  const shutdown = new AbortController();
  const stop = (signal: string) => {
    logger.info("stop signal received", { signal });
    shutdown.abort();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));

  const config = readWorkerConfig();
  // SDK v3 reads the region only from the environment/profile; on ECS-on-EC2 it may be unset, so take the topic's.
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? config.topicArn.split(":")[3];
  const clients = createAwsClients({ region });
  const presignS3 =
    config.presignCredentials === undefined
      ? clients.s3
      : createAwsClients({ region, credentials: config.presignCredentials }).s3;
  if (config.presignCredentials === undefined) {
    logger.warn(
      "PRESIGN_ACCESS_KEY_ID/PRESIGN_SECRET_ACCESS_KEY not set: links are signed with the task role and expire with its session",
    );
  }
  let model: Promise<ModelSource> | undefined;
  const deps: WorkerDeps = {
    config,
    queueUrl: await resolveQueueUrl(clients.sqs, config.queue),
    s3: clients.s3,
    presignS3,
    sqs: clients.sqs,
    sns: clients.sns,
    protection: createTaskProtection(clients.ecs, config.ecsMetadataUri, config.taskProtectionMinutes, logger),
    model: () => {
      model ??= locateModel(clients.s3, config).then((source) => {
        logger.info("model located", { model: source.description });
        return source;
      });
      model.catch(() => (model = undefined));
      return model;
    },
    // The engine computes in a worker thread: heartbeats, task protection and SIGTERM stay live meanwhile.
    runJob: threadedRunJob(),
    logger,
  };
  logger.info("worker started", { queueUrl: deps.queueUrl, engine: config.engine });
  startLiveness(process.env.LIVENESS_FILE ?? LIVENESS_FILE);

  await runWorker(deps, { shutdown: shutdown.signal, graceMs: config.shutdownGraceSeconds * 1000 });
  // An abandoned job's thread has been terminated; exit without waiting for anything else.
  process.exit(0);
}

main().catch((error: unknown) => {
  new Logger({ serviceName: "harmonizer-worker" }).critical("worker crashed", { error });
  process.exit(1);
});

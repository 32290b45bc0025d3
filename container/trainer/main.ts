/**
 * The training task's entry point (the worker image, command `node --import tsx container/trainer/main.ts`):
 * trains a candidate model from a training set in the models bucket and emails the owner when it ends.
 * Exits 0 when the candidate is written, 1 when training failed (the email says why), 2 on bad configuration.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { createAwsClients } from "#aws/shared/aws-clients.ts";
import { ConfigurationError } from "#aws/shared/errors.ts";
import { readTrainerConfig } from "./config.ts";
import { runTraining } from "./run-training.ts";

async function main(): Promise<number> {
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "harmonizer-trainer" });
  let config: ReturnType<typeof readTrainerConfig>;
  try {
    config = readTrainerConfig();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    logger.critical("bad training task configuration", { error });
    return 2;
  }
  // SDK v3 reads the region only from the environment/profile; on ECS-on-EC2 it may be unset, so take the topic's.
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? config.topicArn.split(":")[3];
  const clients = createAwsClients({ region });
  logger.info("training run started", {
    trainingSet: config.trainingSet,
    candidate: config.candidateId,
    trainArgs: config.trainArgs,
  });
  const outcome = await runTraining({ config, s3: clients.s3, sns: clients.sns, logger });
  return outcome.status === "succeeded" ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    new Logger({ serviceName: "harmonizer-trainer" }).critical("trainer crashed", { error });
    process.exit(1);
  },
);

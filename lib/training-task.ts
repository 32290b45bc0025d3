import { RemovalPolicy } from "aws-cdk-lib";
import { type ContainerImage, Ec2TaskDefinition, LogDrivers } from "aws-cdk-lib/aws-ecs";
import { Grant } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { Topic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { CANDIDATES_PREFIX, TRAINING_SETS_PREFIX } from "#aws/shared/model-keys.ts";
import type { GpuCapacity } from "./gpu-capacity.ts";
import { acknowledgeFinding, objectWildcardFinding } from "./nag-findings.ts";
import { grantPublish, grantReadObjects, grantWriteObjects } from "./narrow-grants.ts";
import { awsLine, runTaskArgs, TRAINER_CONTAINER } from "./training-command.ts";

/** The command that makes the worker image a training run (container/trainer/main.ts). */
export const TRAINER_COMMAND = ["node", "--import", "tsx", "container/trainer/main.ts"];

export interface TrainingTaskProps {
  /** Where the run is placed (one GPU); it starts a GPU instance when none is free. */
  readonly capacity: GpuCapacity;
  /** The worker image (lib/worker-image.ts): training runs the same image as the extension workers. */
  readonly image: ContainerImage;
  /** Training sets are read from `training/<set>/` here, candidates written to `models/candidates/<id>/`. */
  readonly modelsBucket: IBucket;
  /** The owner is emailed here when a run ends, succeeded or failed (its KMS key is granted too). */
  readonly topic: Topic;
  /**
   * Soft memory limit used for placement; a g4dn.xlarge registers about 15 GiB with ECS.
   * @default 12288
   */
  readonly memoryReservationMiB?: number;
  /**
   * Hard memory limit of the training container; at least memoryReservationMiB.
   * @default 14336
   */
  readonly memoryLimitMiB?: number;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * An on-demand training run: a task definition (no service) for the worker image on the GPU capacity, running
 * `harmonizer train` on a training set from the models bucket. Each run is started by hand with
 * `aws ecs run-task` (`npm run cloud:train`), naming the set in TRAINING_SET and extra flags in TRAIN_ARGS.
 */
export class TrainingTask extends Construct {
  public readonly taskDefinition: Ec2TaskDefinition;
  public readonly logGroup: LogGroup;
  public readonly capacity: GpuCapacity;

  constructor(scope: Construct, id: string, props: TrainingTaskProps) {
    super(scope, id);
    this.capacity = props.capacity;
    const reservation = props.memoryReservationMiB ?? 12_288;
    const limit = props.memoryLimitMiB ?? 14_336;
    if (reservation > limit) {
      throw new Error(`TrainingTask: memoryReservationMiB (${reservation}) must not exceed memoryLimitMiB (${limit})`);
    }
    this.logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new Ec2TaskDefinition(this, "TaskDefinition");
    this.taskDefinition.addContainer(TRAINER_CONTAINER, {
      image: props.image,
      command: TRAINER_COMMAND,
      gpuCount: 1,
      memoryReservationMiB: reservation,
      memoryLimitMiB: limit,
      logging: LogDrivers.awsLogs({ streamPrefix: TRAINER_CONTAINER, logGroup: this.logGroup }),
      environment: {
        MODELS_BUCKET: props.modelsBucket.bucketName,
        TOPIC_ARN: props.topic.topicArn,
        POWERTOOLS_SERVICE_NAME: "model-trainer",
      },
    });

    props.capacity.hostLogs.allow(this.logGroup);
    const taskRole = this.taskDefinition.taskRole;
    grantReadObjects(taskRole, props.modelsBucket, TRAINING_SETS_PREFIX);
    grantWriteObjects(taskRole, props.modelsBucket, CANDIDATES_PREFIX);
    // Listing only: the run refuses a candidate id that is already taken, and never reads or deletes candidates.
    Grant.addToPrincipal({
      grantee: taskRole,
      actions: ["s3:ListBucket"],
      resourceArns: [props.modelsBucket.bucketArn],
      conditions: { StringLike: { "s3:prefix": [`${CANDIDATES_PREFIX}*`] } },
    });
    grantPublish(taskRole, props.topic);
    acknowledgeTrainingFindings(this, props);
  }

  /** The one-line `aws ecs run-task` that trains on `training/<set>/` (tokens resolve in a stack output). */
  startCommand(set: string, trainArgs: readonly string[] = []): string {
    const target = {
      cluster: this.capacity.cluster.clusterName,
      taskDefinition: this.taskDefinition.taskDefinitionArn,
      capacityProvider: this.capacity.capacityProvider.capacityProviderName,
    };
    return awsLine(runTaskArgs(target, set, trainArgs));
  }
}

function acknowledgeTrainingFindings(training: TrainingTask, props: TrainingTaskProps): void {
  const taskRole = training.taskDefinition.taskRole;
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.modelsBucket, TRAINING_SETS_PREFIX),
    "A run downloads every song of the training set it is given (any key under training/<set>/); it reads no other prefix.",
  );
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.modelsBucket, CANDIDATES_PREFIX),
    "A run writes its model's files (shards named by TF.js) under models/candidates/<id>/; writes are limited to that prefix, never models/current/.",
  );
  acknowledgeFinding(
    training.taskDefinition.obtainExecutionRole(),
    "AwsSolutions-IAM5[Resource::*]",
    "ecr:GetAuthorizationToken (pulling the worker image) has no resource-level permissions; the other " +
      "execution-role statements are scoped to the image repository and the training log group.",
  );
  acknowledgeFinding(
    training.taskDefinition,
    "AwsSolutions-ECS2",
    "The environment holds only resource names (the models bucket, the topic) and, per run, the training set's " +
      "name and harmonizer train flags; nothing secret.",
  );
}

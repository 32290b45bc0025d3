import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import {
  type CfnService,
  type CfnTaskDefinition,
  type ContainerImage,
  Secret as EcsSecret,
  LogDrivers,
} from "aws-cdk-lib/aws-ecs";
import { QueueProcessingEc2Service } from "aws-cdk-lib/aws-ecs-patterns";
import { type IRole, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { Topic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { CURRENT_MODEL_PREFIX } from "#aws/shared/model-keys.ts";
import {
  type InputLimits,
  LIVENESS_CHECK_COMMAND,
  limitsEnvironment,
  REJECTIONS_PREFIX,
  RESULTS_PREFIX,
} from "../contract/pipeline.ts";
import type { EngineName } from "../engine/extend/types.ts";
import type { GpuCapacity } from "./gpu-capacity.ts";
import type { JobQueue } from "./job-queue.ts";
import { grantPublish, grantReadObjects, grantWriteObjects } from "./narrow-grants.ts";
import { PresignCredentials } from "./presign-credentials.ts";
import { acknowledgeWorkerFindings } from "./worker-findings.ts";

/** Scale-out when the first job is visible, scale-in when none is. Running jobs hold ECS task protection. */
export const JOB_SCALING_STEPS = [
  { upper: 0, change: -1 },
  { lower: 1, change: +1 },
];

/** SigV4 presigned links live at most 7 days. */
const MAX_RESULT_LINK_DAYS = 7;

export interface ExtensionWorkersProps {
  /** Where the tasks run (one GPU each). */
  readonly capacity: GpuCapacity;
  /** The worker image (lib/worker-image.ts). */
  readonly image: ContainerImage;
  /** Extension jobs and their dead-letter queue; the service scales on the visible jobs. */
  readonly jobs: JobQueue;
  readonly inputBucket: IBucket;
  readonly outputBucket: IBucket;
  readonly modelsBucket: IBucket;
  /** Result links are announced here (its KMS key is granted too). */
  readonly topic: Topic;
  /** `{ AccessKey, Secret }` of the IAM user that presigns result links. */
  readonly presignSecret: ISecret;
  /** Lifetime of the emailed links, 1 to 7 days. */
  readonly resultLinkDays: number;
  /** The deployed limits, the same the validator applies (contract/pipeline.ts LIMIT_ENV). */
  readonly limits: InputLimits;
  /**
   * Most tasks at once; at most the capacity's maxInstances (one task per GPU instance).
   * @default 2
   */
  readonly maxTasks?: number;
  /**
   * Engine override (ENGINE in the task definition).
   * @default unset: the worker picks the engine as the CLI does (the conductor)
   */
  readonly engine?: EngineName | undefined;
  /**
   * Soft memory limit used for placement; a g4dn.xlarge registers about 15 GiB with ECS.
   * @default 12288
   */
  readonly memoryReservationMiB?: number;
  /**
   * Hard memory limit of the worker container; at least memoryReservationMiB.
   * @default 14336
   */
  readonly memoryLimitMiB?: number;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The extension workers: a queue-processing ECS service on the GPU capacity, one GPU per task, that starts
 * on the first visible job and stops when the queue is empty.
 */
export class ExtensionWorkers extends Construct {
  public readonly service: QueueProcessingEc2Service;
  public readonly logGroup: LogGroup;
  public readonly maxTasks: number;

  constructor(scope: Construct, id: string, props: ExtensionWorkersProps) {
    super(scope, id);
    this.maxTasks = props.maxTasks ?? 2;
    checkWorkerProps(props, this.maxTasks);
    const { jobs } = props;
    this.logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Named Default, so its resources keep the logical ids they had before the GPU capacity was split off.
    this.service = new QueueProcessingEc2Service(this, "Default", {
      cluster: props.capacity.cluster,
      queue: jobs.queue,
      image: props.image,
      containerName: "worker",
      gpuCount: 1,
      memoryReservationMiB: props.memoryReservationMiB ?? 12_288,
      memoryLimitMiB: props.memoryLimitMiB ?? 14_336,
      minScalingCapacity: 0,
      maxScalingCapacity: this.maxTasks,
      scalingSteps: JOB_SCALING_STEPS,
      disableCpuBasedScaling: true,
      capacityProviderStrategies: props.capacity.placement,
      // One GPU per instance: replace tasks in place instead of asking for extra instances during deploys.
      // Protected tasks (running a job) are not stopped until their job ends.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      enableECSManagedTags: true,
      circuitBreaker: { rollback: true },
      logDriver: LogDrivers.awsLogs({ streamPrefix: "worker", logGroup: this.logGroup }),
      environment: {
        JOB_QUEUE_URL: jobs.queue.queueUrl,
        INPUT_BUCKET: props.inputBucket.bucketName,
        OUTPUT_BUCKET: props.outputBucket.bucketName,
        MODELS_BUCKET: props.modelsBucket.bucketName,
        // Only as an explicit override: unset, the worker picks the engine as the CLI does (the conductor).
        ...(props.engine === undefined ? {} : { ENGINE: props.engine }),
        TOPIC_ARN: props.topic.topicArn,
        RESULT_LINK_DAYS: String(props.resultLinkDays),
        MAX_RECEIVE_COUNT: String(jobs.maxReceiveCount),
        DEAD_LETTER_QUEUE_URL: jobs.deadLetterQueue.queueUrl,
        QUEUE_VISIBILITY_TIMEOUT_SECONDS: String(jobs.visibilityTimeout.toSeconds()),
        ...limitsEnvironment(props.limits),
        POWERTOOLS_SERVICE_NAME: "extension-worker",
      },
      secrets: {
        PRESIGN_ACCESS_KEY_ID: EcsSecret.fromSecretsManager(props.presignSecret, PresignCredentials.ACCESS_KEY_FIELD),
        PRESIGN_SECRET_ACCESS_KEY: EcsSecret.fromSecretsManager(
          props.presignSecret,
          PresignCredentials.SECRET_KEY_FIELD,
        ),
      },
    });
    // Without this, CloudFormation creates the service with one task, booting a GPU instance on first deploy.
    (this.service.service.node.defaultChild as CfnService).desiredCount = 0;
    // The pattern has no health-check prop: a worker whose event loop stops (liveness file stale) is replaced.
    (this.service.taskDefinition.node.defaultChild as CfnTaskDefinition).addPropertyOverride(
      "ContainerDefinitions.0.HealthCheck",
      { Command: ["CMD-SHELL", LIVENESS_CHECK_COMMAND], Interval: 60, Timeout: 10, Retries: 3, StartPeriod: 300 },
    );
    grantWorkerAccess(this.service.taskDefinition.taskRole, props);
    props.capacity.hostLogs.allow(this.logGroup);
    acknowledgeWorkerFindings({
      ...props,
      taskDefinition: this.service.taskDefinition,
      cluster: props.capacity.cluster,
    });
  }
}

/** Props that cannot work together fail synthesis at once, naming both. */
function checkWorkerProps(props: ExtensionWorkersProps, maxTasks: number): void {
  const problems: string[] = [];
  if (!Number.isInteger(maxTasks) || maxTasks < 1)
    problems.push(`maxTasks must be a whole number >= 1, got ${maxTasks}`);
  if (maxTasks > props.capacity.maxInstances) {
    problems.push(
      `maxTasks (${maxTasks}) exceeds the GPU capacity's maxInstances (${props.capacity.maxInstances}): ` +
        "each task needs a GPU instance of its own, so the extra tasks could never be placed",
    );
  }
  if (!(props.resultLinkDays >= 1 && props.resultLinkDays <= MAX_RESULT_LINK_DAYS)) {
    problems.push(
      `resultLinkDays must be 1 to ${MAX_RESULT_LINK_DAYS} (SigV4 presigned links), got ${props.resultLinkDays}`,
    );
  }
  const reservation = props.memoryReservationMiB ?? 12_288;
  const limit = props.memoryLimitMiB ?? 14_336;
  if (reservation > limit) {
    problems.push(`memoryReservationMiB (${reservation}) must not exceed memoryLimitMiB (${limit})`);
  }
  if (problems.length > 0) throw new Error(`ExtensionWorkers: ${problems.join("; ")}`);
}

/** Exactly what a worker calls: read the upload and the model, write and re-read its results, notify, protect itself. */
function grantWorkerAccess(taskRole: IRole, props: ExtensionWorkersProps): void {
  grantReadObjects(taskRole, props.inputBucket);
  grantReadObjects(taskRole, props.modelsBucket, CURRENT_MODEL_PREFIX);
  grantWriteObjects(taskRole, props.outputBucket, RESULTS_PREFIX);
  // A song the engine refuses once decoded gets a rejection report, as the validator writes for what it refuses.
  grantWriteObjects(taskRole, props.outputBucket, REJECTIONS_PREFIX);
  // ... and read back (listing too, so a missing key is a 404, not a 403): a report already there is never replaced,
  // and the refusal emails count in the validator's hourly windows under rejections/.mail/.
  grantReadObjects(taskRole, props.outputBucket, REJECTIONS_PREFIX);
  // A redelivered job whose result already exists only re-notifies: the worker checks with HeadObject.
  grantReadObjects(taskRole, props.outputBucket, RESULTS_PREFIX);
  grantPublish(taskRole, props.topic);
  props.jobs.deadLetterQueue.grantSendMessages(taskRole);
  // A worker protects its own task from scale-in while a job runs (the queue looks empty meanwhile).
  taskRole.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"],
      resources: [
        Stack.of(props.capacity).formatArn({
          service: "ecs",
          resource: "task",
          resourceName: `${props.capacity.cluster.clusterName}/*`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
    }),
  );
}

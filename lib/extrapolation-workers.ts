import type { EngineName } from "../engine/extend/types.ts";
import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import { AutoScalingGroup, BlockDeviceVolume, EbsDeviceVolumeType } from "aws-cdk-lib/aws-autoscaling";
import {
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  InstanceType,
  LaunchTemplate,
  SecurityGroup,
  SubnetType,
  UserData,
  Vpc,
} from "aws-cdk-lib/aws-ec2";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import {
  AmiHardwareType,
  AsgCapacityProvider,
  type CfnService,
  type CfnTaskDefinition,
  Cluster,
  ContainerImage,
  ContainerInsights,
  EcsOptimizedImage,
  LogDrivers,
  Secret as EcsSecret,
} from "aws-cdk-lib/aws-ecs";
import { QueueProcessingEc2Service } from "aws-cdk-lib/aws-ecs-patterns";
import { Grant, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { Topic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { acknowledgeWorkerFindings } from "./worker-findings.ts";
import { grantPublish, grantReadObjects, grantWriteObjects } from "./narrow-grants.ts";
import { PresignCredentials } from "./presign-credentials.ts";
import {
  CLAIM_FILE,
  type InputLimits,
  limitsEnvironment,
  LIVENESS_CHECK_COMMAND,
  RESULTS_PREFIX,
} from "../contract/pipeline.ts";
import { REPOSITORY_ROOT } from "./upload-validation.ts";

/**
 * Not sent to the Docker build: the image copies the sources and the package files, and bakes only the
 * shipped conductor (models/conductor); other models come from the models bucket at run time.
 */
export const WORKER_IMAGE_EXCLUDES = [
  ".git",
  "**/node_modules",
  "cdk.out",
  ".venv",
  ".work",
  ".scratch",
  "corpus",
  "models/*",
  "!models/conductor",
  "out",
  "tests",
  "**/*.log",
];

/** Scale-out when the first job is visible, scale-in when none is. Running jobs hold ECS task protection. */
export const JOB_SCALING_STEPS = [
  { upper: 0, change: -1 },
  { lower: 1, change: +1 },
];

export interface ExtrapolationWorkersProps {
  /** Extension jobs; the service scales on its visible messages. */
  readonly jobQueue: IQueue;
  /** Unreadable job messages are moved here at once (with a notice) instead of waiting out three receives. */
  readonly deadLetterQueue: IQueue;
  /** The job queue's own visibility timeout: a heartbeat never sets a message's visibility below what is left of it. */
  readonly queueVisibilityTimeoutSeconds: number;
  readonly inputBucket: IBucket;
  readonly outputBucket: IBucket;
  readonly modelsBucket: IBucket;
  /** Result links are announced here (its KMS key is granted too). */
  readonly topic: Topic;
  /** `{ AccessKey, Secret }` of the IAM user that presigns result links. */
  readonly presignSecret: ISecret;
  readonly resultLinkDays: number;
  /** The job queue's redrive maxReceiveCount: the worker treats a failure on that receive as final. */
  readonly maxReceiveCount: number;
  /** The deployed limits, the same the validator applies (contract/pipeline.ts LIMIT_ENV). */
  readonly limits: InputLimits;
  /**
   * @default "g4dn.xlarge"
   */
  readonly gpuInstanceType?: string;
  /**
   * Most tasks (one per GPU instance) at once.
   * @default 2
   */
  readonly maxTasks?: number;
  /**
   * Docker build context; the Dockerfile path below is relative to it.
   * @default the repository root
   */
  readonly imageDirectory?: string;
  /**
   * @default "container/Dockerfile"
   */
  readonly dockerfile?: string;
  /** Checked against the libtensorflow download by the image build; without it the build stops and says so. */
  readonly libtensorflowSha256?: string | undefined;
  /**
   * Engine override (ENGINE in the task definition).
   * @default unset: the worker picks the engine as the CLI does (the conductor)
   */
  readonly engine?: EngineName | undefined;
  /**
   * Encrypted gp3 root volume of each host (the GPU AMI and the worker image are large).
   * @default 100
   */
  readonly rootVolumeGiB?: number;
  /**
   * Soft memory limit used for placement; a g4dn.xlarge registers about 15 GiB with ECS.
   * @default 12288
   */
  readonly memoryReservationMiB?: number;
  /**
   * Hard memory limit of the worker container.
   * @default 14336
   */
  readonly memoryLimitMiB?: number;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * GPU workers that consume extension jobs: a VPC, an ECS cluster whose GPU hosts (an Auto Scaling group
 * with the ECS GPU AMI) scale from zero through a capacity provider, and a queue-processing service with
 * one GPU per task that starts on the first visible job and stops when the queue is empty.
 */
export class ExtrapolationWorkers extends Construct {
  public readonly vpc: Vpc;
  public readonly cluster: Cluster;
  public readonly hosts: AutoScalingGroup;
  public readonly service: QueueProcessingEc2Service;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ExtrapolationWorkersProps) {
    super(scope, id);
    const maxTasks = props.maxTasks ?? 2;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    // Public subnets without NAT: the hosts accept no inbound traffic (no ingress rule) and only call AWS
    // APIs outbound. A NAT gateway (about 32 USD a month plus data) or interface endpoints for ECR, ECS,
    // SQS, SNS, Logs and Secrets Manager would cost more than the idle GPU fleet, which costs nothing.
    // S3 traffic (songs, models, results) stays on the free gateway endpoint.
    const flowLogs = new LogGroup(this, "FlowLogs", { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.vpc = new Vpc(this, "Network", {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: "public", subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      gatewayEndpoints: { S3: { service: GatewayVpcEndpointAwsService.S3 } },
      flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs) } },
    });

    this.cluster = new Cluster(this, "Cluster", {
      vpc: this.vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
    });

    const hostSecurityGroup = new SecurityGroup(this, "HostSecurityGroup", {
      vpc: this.vpc,
      description: "Emotions Harmonizer GPU hosts: no inbound traffic",
      allowAllOutbound: true,
    });
    const hostRole = new Role(this, "HostRole", { assumedBy: new ServicePrincipal("ec2.amazonaws.com") });
    const launchTemplate = new LaunchTemplate(this, "GpuHostTemplate", {
      instanceType: new InstanceType(props.gpuInstanceType ?? "g4dn.xlarge"),
      machineImage: EcsOptimizedImage.amazonLinux2(AmiHardwareType.GPU),
      userData: UserData.forLinux(),
      role: hostRole,
      securityGroup: hostSecurityGroup,
      requireImdsv2: true,
      // Containers (bridge network) are one hop further: with a limit of 1 they cannot reach the host's credentials.
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: "/dev/xvda",
          volume: BlockDeviceVolume.ebs(props.rootVolumeGiB ?? 100, {
            encrypted: true,
            volumeType: EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    this.hosts = new AutoScalingGroup(this, "GpuHosts", {
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      launchTemplate,
      minCapacity: 0,
      maxCapacity: maxTasks,
    });
    const capacityProvider = new AsgCapacityProvider(this, "GpuCapacity", {
      autoScalingGroup: this.hosts,
      enableManagedScaling: true,
      enableManagedTerminationProtection: true,
      targetCapacityPercent: 100,
    });
    this.cluster.addAsgCapacityProvider(capacityProvider);

    this.logGroup = new LogGroup(this, "Logs", { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.service = new QueueProcessingEc2Service(this, "Service", {
      cluster: this.cluster,
      queue: props.jobQueue,
      image: ContainerImage.fromAsset(props.imageDirectory ?? REPOSITORY_ROOT, {
        file: props.dockerfile ?? "container/Dockerfile",
        exclude: WORKER_IMAGE_EXCLUDES,
        platform: Platform.LINUX_AMD64,
        buildArgs: { LIBTENSORFLOW_SHA256: props.libtensorflowSha256 ?? "" },
      }),
      containerName: "worker",
      gpuCount: 1,
      memoryReservationMiB: props.memoryReservationMiB ?? 12_288,
      memoryLimitMiB: props.memoryLimitMiB ?? 14_336,
      minScalingCapacity: 0,
      maxScalingCapacity: maxTasks,
      scalingSteps: JOB_SCALING_STEPS,
      disableCpuBasedScaling: true,
      capacityProviderStrategies: [{ capacityProvider: capacityProvider.capacityProviderName, weight: 1 }],
      // One GPU per instance: replace tasks in place instead of asking for extra instances during deploys.
      // Protected tasks (running a job) are not stopped until their job ends.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      enableECSManagedTags: true,
      circuitBreaker: { rollback: true },
      logDriver: LogDrivers.awsLogs({ streamPrefix: "worker", logGroup: this.logGroup }),
      environment: {
        JOB_QUEUE_URL: props.jobQueue.queueUrl,
        INPUT_BUCKET: props.inputBucket.bucketName,
        OUTPUT_BUCKET: props.outputBucket.bucketName,
        MODELS_BUCKET: props.modelsBucket.bucketName,
        // Only as an explicit override: unset, the worker picks the engine as the CLI does (the conductor).
        ...(props.engine === undefined ? {} : { ENGINE: props.engine }),
        TOPIC_ARN: props.topic.topicArn,
        RESULT_LINK_DAYS: String(props.resultLinkDays),
        MAX_RECEIVE_COUNT: String(props.maxReceiveCount),
        DEAD_LETTER_QUEUE_URL: props.deadLetterQueue.queueUrl,
        QUEUE_VISIBILITY_TIMEOUT_SECONDS: String(props.queueVisibilityTimeoutSeconds),
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
      {
        Command: ["CMD-SHELL", LIVENESS_CHECK_COMMAND],
        Interval: 60,
        Timeout: 10,
        Retries: 3,
        StartPeriod: 300,
      },
    );

    const taskRole = this.service.taskDefinition.taskRole;
    grantReadObjects(taskRole, props.inputBucket);
    grantReadObjects(taskRole, props.modelsBucket);
    grantWriteObjects(taskRole, props.outputBucket, RESULTS_PREFIX);
    // A redelivered job whose result already exists only re-notifies: the worker checks with HeadObject.
    grantReadObjects(taskRole, props.outputBucket, RESULTS_PREFIX);
    grantPublish(taskRole, props.topic);
    // After a job's final failure its claim is released, so a redrive from the dead-letter queue can run it.
    Grant.addToPrincipal({
      grantee: taskRole,
      actions: ["s3:DeleteObject"],
      resourceArns: [props.outputBucket.arnForObjects(`${RESULTS_PREFIX}*/${CLAIM_FILE}`)],
    });
    props.deadLetterQueue.grantSendMessages(taskRole);
    // A worker protects its own task from scale-in while a job runs (the queue looks empty meanwhile).
    taskRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"],
        resources: [
          Stack.of(this).formatArn({
            service: "ecs",
            resource: "task",
            resourceName: `${this.cluster.clusterName}/*`,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    acknowledgeWorkerFindings(this, props, hostRole);
  }
}

import { resolve } from "node:path";
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { type IRole, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { EventType, type IBucket } from "aws-cdk-lib/aws-s3";
import { LambdaDestination } from "aws-cdk-lib/aws-s3-notifications";
import type { Topic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption, type IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { acknowledgeFinding, objectWildcardFinding } from "./nag-findings.ts";
import { grantPublish, grantReadObjects, grantWriteObjects } from "./narrow-grants.ts";
import { type InputLimits, limitsEnvironment, REJECTIONS_PREFIX } from "../contract/pipeline.ts";

export const REPOSITORY_ROOT = resolve(import.meta.dirname, "..");

/** ESM bundles have no `require`; some dependencies still call it, so the bundle defines one. */
const REQUIRE_BANNER =
  "import { createRequire as __harmonizerCreateRequire } from 'node:module'; const require = __harmonizerCreateRequire(import.meta.url);";

export interface UploadValidationProps {
  /** Uploads; every ObjectCreated event invokes the validator. */
  readonly inputBucket: IBucket;
  /** The validator writes rejection reports under `rejections/` here. */
  readonly outputBucket: IBucket;
  /** Accepted uploads become messages here. */
  readonly jobQueue: IQueue;
  /** Rejections are announced here (its KMS key is granted too). */
  readonly topic: Topic;
  /** Used when an upload names no length (no `target-seconds` metadata, no length folder): see DeploySettings. */
  readonly defaultTarget: string;
  /** The deployed limits; the worker's task definition carries the same ones (contract/pipeline.ts LIMIT_ENV). */
  readonly limits: InputLimits;
  /**
   * Concurrent validations at most: a burst of uploads queues in S3's async retries instead of taking the
   * account's whole Lambda concurrency.
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /**
   * The handler module (exports `handler`).
   * @default functions/validator/handler.ts in the repository
   */
  readonly entry?: string;
  /**
   * How often the validator mails the rejections held back in hours that are over (one digest per sender), so a
   * flood that stops is still reported.
   * @default Duration.minutes(15)
   */
  readonly digestSweepEvery?: Duration;
  /**
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The Lambda that checks each upload (format, duration, size, requested target) and either queues an
 * extension job or writes a rejection report and notifies the owner.
 */
export class UploadValidation extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;
  /** Events the validator failed on after Lambda's own retries (bugs, not bad uploads). */
  public readonly failedEvents: Queue;

  constructor(scope: Construct, id: string, props: UploadValidationProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup = logGroup;
    // An explicit role so the function gets write access to its own log group only,
    // instead of the AWS-managed AWSLambdaBasicExecutionRole (logs on every group).
    const role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: "Emotions Harmonizer upload validator",
    });
    logGroup.grantWrite(role);

    this.failedEvents = new Queue(this, "FailedEvents", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.function = new NodejsFunction(this, "Function", {
      entry: props.entry ?? resolve(REPOSITORY_ROOT, "functions/validator/handler.ts"),
      handler: "handler",
      depsLockFilePath: resolve(REPOSITORY_ROOT, "package-lock.json"),
      projectRoot: REPOSITORY_ROOT,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(60),
      role,
      logGroup,
      deadLetterQueue: this.failedEvents,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 10,
      description: "Validates uploads and queues extension jobs",
      environment: {
        JOB_QUEUE_URL: props.jobQueue.queueUrl,
        INPUT_BUCKET: props.inputBucket.bucketName,
        OUTPUT_BUCKET: props.outputBucket.bucketName,
        TOPIC_ARN: props.topic.topicArn,
        DEFAULT_TARGET: props.defaultTarget,
        ...limitsEnvironment(props.limits),
        POWERTOOLS_SERVICE_NAME: "upload-validator",
        NODE_OPTIONS: "--enable-source-maps",
      },
      bundling: {
        format: OutputFormat.ESM,
        banner: REQUIRE_BANNER,
        mainFields: ["module", "main"],
        sourceMap: true,
        // The Node.js runtime provides AWS SDK v3.
        externalModules: ["@aws-sdk/*"],
      },
    });

    grantValidatorAccess(role, props);
    new Rule(this, "DigestSweep", {
      description: "Mails rejections held back by the hourly allowance, one digest per sender",
      schedule: Schedule.rate(props.digestSweepEvery ?? Duration.minutes(15)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 2 })],
    });
    props.inputBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.function));
    acknowledgeNotificationsHandler(Stack.of(this));
  }
}

/** Read uploads, queue jobs, write rejection reports, notify: nothing else. */
function grantValidatorAccess(role: IRole, props: UploadValidationProps): void {
  grantReadObjects(role, props.inputBucket);
  props.jobQueue.grantSendMessages(role);
  grantWriteObjects(role, props.outputBucket, REJECTIONS_PREFIX);
  // Rejection reports and the per-sender email counts are read back (one email per upload version, per hour).
  grantReadObjects(role, props.outputBucket, REJECTIONS_PREFIX);
  grantPublish(role, props.topic);
  acknowledgeFinding(
    role,
    objectWildcardFinding(props.inputBucket),
    "Upload keys are chosen by users, so the validator reads any object of the upload bucket (and nothing else).",
  );
  acknowledgeFinding(
    role,
    objectWildcardFinding(props.outputBucket, REJECTIONS_PREFIX),
    "Rejection reports are named after the refused upload; writes are limited to the rejections/ prefix.",
  );
}

/** The finding of CDK's singleton custom resource that writes the bucket's notification configuration. */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const notificationsHandler = stack.node.children.find((child) =>
    child.node.id.startsWith("BucketNotificationsHandler"),
  );
  if (notificationsHandler) {
    acknowledgeFinding(
      notificationsHandler,
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      "CDK's own BucketNotificationsHandler custom resource (runs only at deploy time to set the S3 " +
        "notification); its role is not configurable and the managed policy only allows writing its logs.",
    );
  }
}

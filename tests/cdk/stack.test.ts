import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Match, type Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmotionsHarmonizerStack } from "../../lib/emotions-harmonizer-stack.ts";
import { logicalId, OWNER_EMAIL, synthHarmonizer } from "./synth.ts";

type Resource = { Type: string; Properties?: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let template: Template;
let stack: EmotionsHarmonizerStack;
let cleanup = () => {};

beforeAll(() => {
  ({ template, stack, cleanup } = synthHarmonizer());
});
afterAll(() => cleanup());

const resourcesOf = (type: string): Record<string, Resource> =>
  template.findResources(type) as Record<string, Resource>;
const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
/** Every Allow statement of the inline policies attached to a role. */
function statementsOfRole(roleLogicalId: string): Statement[] {
  return Object.values(resourcesOf("AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles ?? []).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => policy.Properties?.PolicyDocument.Statement as Statement[]);
}

describe("GPU workers", () => {
  it("leaves the engine to the worker (the conductor, as in the CLI) unless the engine setting overrides it", () => {
    const task = resourcesOf("AWS::ECS::TaskDefinition")[logicalId(stack.workers.service.taskDefinition)];
    const names = (task!.Properties!.ContainerDefinitions[0].Environment as { Name: string }[]).map((e) => e.Name);
    expect(names).not.toContain("ENGINE");
    const overridden = synthHarmonizer({ context: { engine: "remix" } });
    overridden.cleanup();
    overridden.template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: "ENGINE", Value: "remix" }]) })],
    });
  });

  it("runs each task with one GPU and the presigning key as ECS secrets", () => {
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      RequiresCompatibilities: ["EC2"],
      ContainerDefinitions: [
        Match.objectLike({
          ResourceRequirements: [{ Type: "GPU", Value: "1" }],
          Environment: Match.arrayWith([
            { Name: "OUTPUT_BUCKET", Value: { Ref: logicalId(stack.storage.outputBucket) } },
            { Name: "MODELS_BUCKET", Value: { Ref: logicalId(stack.storage.modelsBucket) } },
            { Name: "TOPIC_ARN", Value: { Ref: logicalId(stack.notifications.topic) } },
            { Name: "RESULT_LINK_DAYS", Value: "7" },
          ]),
          Secrets: [
            Match.objectLike({ Name: "PRESIGN_ACCESS_KEY_ID" }),
            Match.objectLike({ Name: "PRESIGN_SECRET_ACCESS_KEY" }),
          ],
        }),
      ],
    });
  });

  it("fits the container in a g4dn.xlarge (16 GiB)", () => {
    const taskDefinition = resourcesOf("AWS::ECS::TaskDefinition")[logicalId(stack.workers.service.taskDefinition)];
    const container = taskDefinition?.Properties?.ContainerDefinitions[0];
    expect(container.MemoryReservation).toBeGreaterThanOrEqual(8 * 1024);
    expect(container.Memory).toBeLessThanOrEqual(15 * 1024);
  });

  it("launches hosts from the ECS GPU AMI on a GPU instance type, IMDSv2 only, encrypted root volume", () => {
    template.hasResourceProperties("AWS::EC2::LaunchTemplate", {
      LaunchTemplateData: Match.objectLike({
        InstanceType: "g4dn.xlarge",
        ImageId: { Ref: Match.stringLikeRegexp("gpu") },
        MetadataOptions: Match.objectLike({ HttpTokens: "required" }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true, VolumeSize: 100 }) })],
      }),
    });
    template.hasParameter("*", {
      Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
      Default: "/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id",
    });
  });

  it("scales hosts from zero through a managed capacity provider, with one host more than maxTasks for training", () => {
    template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", {
      MinSize: "0",
      MaxSize: "3",
      NewInstancesProtectedFromScaleIn: true,
    });
    template.hasResourceProperties("AWS::ECS::CapacityProvider", {
      AutoScalingGroupProvider: Match.objectLike({
        ManagedScaling: Match.objectLike({ Status: "ENABLED" }),
        ManagedTerminationProtection: "ENABLED",
      }),
    });
    template.hasResourceProperties("AWS::ECS::Service", {
      DesiredCount: 0,
      CapacityProviderStrategy: [Match.objectLike({ CapacityProvider: { Ref: Match.anyValue() } })],
    });
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", {
      ScalableDimension: "ecs:service:DesiredCount",
      MinCapacity: 0,
      MaxCapacity: 2,
    });
  });

  it("starts a task on the first visible job and stops tasks when the queue is empty, without CPU scaling", () => {
    const queueName = { "Fn::GetAtt": [logicalId(stack.jobs.queue), "QueueName"] };
    const alarms = resourcesOf("AWS::CloudWatch::Alarm");
    const scalingAlarms = Object.values(alarms).filter(
      (alarm) =>
        alarm.Properties?.MetricName === "ApproximateNumberOfMessagesVisible" &&
        JSON.stringify(alarm.Properties?.Dimensions) === JSON.stringify([{ Name: "QueueName", Value: queueName }]),
    );
    const scaleOut = scalingAlarms.find(
      (alarm) => alarm.Properties?.ComparisonOperator === "GreaterThanOrEqualToThreshold",
    );
    const scaleIn = scalingAlarms.find(
      (alarm) => alarm.Properties?.ComparisonOperator === "LessThanOrEqualToThreshold",
    );
    expect(scaleOut?.Properties?.Threshold).toBe(1);
    expect(scaleIn?.Properties?.Threshold).toBe(0);

    const policies = resourcesOf("AWS::ApplicationAutoScaling::ScalingPolicy");
    const policyOf = (alarm: Resource | undefined) => policies[alarm?.Properties?.AlarmActions[0].Ref];
    expect(policyOf(scaleOut)?.Properties?.StepScalingPolicyConfiguration).toMatchObject({
      AdjustmentType: "ChangeInCapacity",
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
    });
    expect(policyOf(scaleIn)?.Properties?.StepScalingPolicyConfiguration).toMatchObject({
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }],
    });
    expect(Object.values(policies).map((policy) => policy.Properties?.PolicyType)).toEqual([
      "StepScaling",
      "StepScaling",
    ]);
  });

  it("lets a task protect only tasks of its own cluster from scale-in", () => {
    const statements = statementsOfRole(logicalId(stack.workers.service.taskDefinition.taskRole));
    const protection = statements.find((statement) => actionsOf(statement).includes("ecs:UpdateTaskProtection"));
    expect(protection?.Resource).not.toBe("*");
    expect(JSON.stringify(protection?.Resource)).toContain(`"Ref":"${logicalId(stack.gpu.cluster)}"`);
    expect(JSON.stringify(protection?.Resource)).toContain(":task/");
  });

  it("runs hosts in a VPC with flow logs and a cluster with Container Insights", () => {
    template.resourceCountIs("AWS::EC2::FlowLog", 1);
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
    template.hasResourceProperties("AWS::ECS::Cluster", {
      ClusterSettings: [{ Name: "containerInsights", Value: "enabled" }],
    });
    template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
  });
});

describe("job queue", () => {
  it("gives a job 3 attempts (and the reporting receive) and hides running jobs for 30 min", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: 1800,
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [logicalId(stack.jobs.deadLetterQueue), "Arn"] },
        maxReceiveCount: 4,
      },
    });
  });
});

describe("upload validation", () => {
  it("is a Node.js 22+ arm64 Lambda with 512 MB, 60 s and the pipeline's settings", () => {
    const fn = resourcesOf("AWS::Lambda::Function")[logicalId(stack.validation.function)];
    expect(fn?.Properties?.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
    expect(fn?.Properties).toMatchObject({ Architectures: ["arm64"], MemorySize: 512, Timeout: 60 });
    expect(Object.keys(fn?.Properties?.Environment.Variables)).toEqual(
      expect.arrayContaining([
        "JOB_QUEUE_URL",
        "OUTPUT_BUCKET",
        "TOPIC_ARN",
        "DEFAULT_TARGET",
        "MAX_UPLOAD_BYTES",
        "MAX_INPUT_SECONDS",
        "MAX_TARGET_SECONDS",
        "POWERTOOLS_SERVICE_NAME",
      ]),
    );
    expect(fn?.Properties?.Environment.Variables).toMatchObject({
      DEFAULT_TARGET: "x2",
      MAX_UPLOAD_BYTES: String(200 * 1024 * 1024),
      MAX_INPUT_SECONDS: "1200",
      MAX_TARGET_SECONDS: "36000",
    });
    expect(fn?.Properties?.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(stack.validation.logGroup) } });
    const logGroup = resourcesOf("AWS::Logs::LogGroup")[logicalId(stack.validation.logGroup)];
    expect(logGroup?.Properties?.RetentionInDays).toBe(30);
  });

  it("is invoked by every ObjectCreated event of the input bucket", () => {
    template.hasResourceProperties("Custom::S3BucketNotifications", {
      BucketName: { Ref: logicalId(stack.storage.inputBucket) },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ["s3:ObjectCreated:*"],
            LambdaFunctionArn: { "Fn::GetAtt": [logicalId(stack.validation.function), "Arn"] },
          },
        ],
      },
    });
  });

  it("may read uploads, queue jobs, write rejections and publish, but not delete or touch ECS", () => {
    const statements = statementsOfRole(logicalId(stack.validation.function.role!));
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(["s3:GetObject", "sqs:SendMessage", "s3:PutObject", "sns:Publish"]));
    expect(actions.filter((action) => /^ecs:|^s3:Delete|\*/.test(action))).toEqual([]);
    const put = statements.find((statement) => actionsOf(statement).includes("s3:PutObject"));
    expect(JSON.stringify(put?.Resource)).toContain("/rejections/*");
  });
});

describe("result links", () => {
  it("are signed by a user that may only s3:GetObject under results/", () => {
    const policies = Object.values(resourcesOf("AWS::IAM::Policy")).filter((policy) => policy.Properties?.Users);
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties?.PolicyDocument.Statement).toEqual([
      {
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: {
          "Fn::Join": ["", [{ "Fn::GetAtt": [logicalId(stack.storage.outputBucket), "Arn"] }, "/results/*"]],
        },
        Condition: {
          StringEquals: { "s3:authType": "REST-QUERY-STRING" },
          NumericLessThanEquals: { "s3:signatureAge": 604_800_000 },
        },
      },
    ]);
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      SecretString: {
        "Fn::Join": ["", Match.arrayWith([Match.stringLikeRegexp('"AccessKey"'), Match.stringLikeRegexp('"Secret"')])],
      },
    });
  });

  it("outlive their objects by no more than a day", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: "results/", ExpirationInDays: 8, Status: "Enabled" })]),
      },
    });
  });
});

describe("cdk destroy", () => {
  it("keeps only the four buckets (uploads, results, models, access logs); nothing else is left to bill", () => {
    const resources = template.toJSON().Resources as Record<string, Resource & { DeletionPolicy?: string }>;
    const retained = Object.values(resources)
      .filter((resource) => resource.DeletionPolicy === "Retain")
      .map((resource) => resource.Type);
    // A retained KMS key costs about $1 a month for as long as the account lives, and encrypts nothing once the topic is gone.
    expect(retained).toEqual(["AWS::S3::Bucket", "AWS::S3::Bucket", "AWS::S3::Bucket", "AWS::S3::Bucket"]);
    template.hasResource("AWS::KMS::Key", {
      DeletionPolicy: "Delete",
      Properties: Match.objectLike({ PendingWindowInDays: 7 }),
    });
  });
});

describe("the dead-letter queue", () => {
  it("has a ready redrive command as an output, into the job queue by name (the worker dead-letters by a send)", () => {
    // A message the worker sent to the dead-letter queue has no source queue on record: the destination is explicit.
    const output = template.toJSON().Outputs.RedriveFailedJobs as { Value: { "Fn::Join": [string, unknown[]] } };
    const parts = output.Value["Fn::Join"][1];
    expect(parts).toEqual([
      "aws sqs start-message-move-task --source-arn ",
      { "Fn::GetAtt": [logicalId(stack.jobs.deadLetterQueue), "Arn"] },
      " --destination-arn ",
      { "Fn::GetAtt": [logicalId(stack.jobs.queue), "Arn"] },
    ]);
  });
});

describe("the README's Deploy section", () => {
  it("names every output a user reads (the ECS pattern's own queue outputs aside)", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const deploy = readme.split("### Deploy")[1]?.split("\n### ")[0] ?? "";
    const outputs = Object.keys(template.toJSON().Outputs as Record<string, unknown>).filter(
      (name) => !name.startsWith("WorkersServiceSQSQueue"),
    );
    expect(outputs.length).toBeGreaterThan(5);
    for (const name of outputs) expect(deploy, name).toContain(`\`${name}\``);
  });
});

describe('the README\'s "How long files are kept"', () => {
  it("names the expiry each bucket's lifecycle rules set", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const section = readme.split("#### How long files are kept")[1]?.split("\n### ")[0] ?? "";
    const rulesOf = (bucket: IConstruct) =>
      resourcesOf("AWS::S3::Bucket")[logicalId(bucket)]!.Properties!.LifecycleConfiguration.Rules as {
        Prefix?: string;
        ExpirationInDays?: number;
        NoncurrentVersionExpiration?: { NoncurrentDays: number };
      }[];
    const uploads = rulesOf(stack.storage.inputBucket)[0]!;
    const results = rulesOf(stack.storage.outputBucket);
    const days = (prefix: string) => results.find((rule) => rule.Prefix === prefix)?.ExpirationInDays;
    const deadLetters = resourcesOf("AWS::SQS::Queue")[logicalId(stack.jobs.deadLetterQueue)]!;
    expect(section).toContain(`an upload ${uploads.ExpirationInDays} days after it arrives`);
    expect(section).toContain(`which keeps a job ${deadLetters.Properties!.MessageRetentionPeriod / 86_400} days`);
    expect(section).toContain(`of the same name after ${uploads.NoncurrentVersionExpiration!.NoncurrentDays} day`);
    expect(days("results/")).toBe(stack.storage.resultLinkDays + 1);
    expect(section).toContain("`resultLinkDays` + 1 days after it is written");
    expect(section).toContain(`a rejection report after ${days("rejections/")} days`);
    const accessLogs = rulesOf(stack.storage.accessLogBucket)[0]!;
    expect(section).toContain(`the access logs after ${accessLogs.ExpirationInDays}`);
    const models = rulesOf(stack.storage.modelsBucket)[0]!;
    expect(section).toContain(
      `a replaced model version for ${models.NoncurrentVersionExpiration!.NoncurrentDays} days`,
    );
  });
});

describe("encryption and TLS", () => {
  it("encrypts every bucket, queue and topic", () => {
    for (const bucket of Object.values(resourcesOf("AWS::S3::Bucket"))) {
      expect(bucket.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration).toHaveLength(1);
      expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    for (const queue of Object.values(resourcesOf("AWS::SQS::Queue"))) {
      expect(queue.Properties?.SqsManagedSseEnabled ?? queue.Properties?.KmsMasterKeyId).toBeTruthy();
    }
    template.hasResourceProperties("AWS::SNS::Topic", {
      KmsMasterKeyId: { "Fn::GetAtt": [logicalId(stack.notifications.key), "Arn"] },
    });
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
  });

  const denyWithoutTls = expect.objectContaining({
    Effect: "Deny",
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });

  it.each([
    ["AWS::S3::Bucket", "AWS::S3::BucketPolicy", "Bucket"],
    ["AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "Queues"],
    ["AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "Topics"],
  ])("every %s has a policy denying requests without TLS", (type, policyType, targetProperty) => {
    const policies = Object.values(resourcesOf(policyType));
    for (const id of Object.keys(resourcesOf(type))) {
      const policy = policies.find((candidate) =>
        JSON.stringify(candidate.Properties?.[targetProperty]).includes(`"${id}"`),
      );
      expect(policy, `${policyType} for ${id}`).toBeDefined();
      expect(policy?.Properties?.PolicyDocument.Statement).toEqual(expect.arrayContaining([denyWithoutTls]));
    }
  });

  it("grants no IAM principal a bare * action", () => {
    const statements = Object.values(resourcesOf("AWS::IAM::Policy")).flatMap(
      (policy) => policy.Properties?.PolicyDocument.Statement as Statement[],
    );
    expect(statements.flatMap(actionsOf).filter((action) => action === "*" || action.endsWith(":*"))).toEqual([]);
  });
});

describe("notifications and monitoring", () => {
  it("emails the owner", () => {
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: OWNER_EMAIL,
      TopicArn: { Ref: logicalId(stack.notifications.topic) },
    });
  });

  it("alarms to the topic when a job reaches the dead-letter queue or waits over an hour", () => {
    const toTopic = [{ Ref: logicalId(stack.notifications.topic) }];
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "NumberOfMessagesSent",
      Dimensions: [
        { Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(stack.jobs.deadLetterQueue), "QueueName"] } },
      ],
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Threshold: 1,
      AlarmActions: toTopic,
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(stack.jobs.queue), "QueueName"] } }],
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 3600,
      AlarmActions: toTopic,
    });
  });

  it("lets CloudWatch alarms use the topic's key", () => {
    template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: Match.arrayWith(["kms:Decrypt"]),
          }),
        ]),
      },
    });
  });

  it("has a dashboard and outputs for the buckets, topic, queues and an example upload", () => {
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    for (const name of ["InputBucketName", "OutputBucketName", "TopicArn", "JobQueueUrl", "DeadLetterQueueUrl"]) {
      template.hasOutput(name, {});
    }
    template.hasOutput("ExampleUpload", {
      Value: {
        "Fn::Join": [
          "",
          [
            "aws s3 cp song.mp3 s3://",
            { Ref: logicalId(stack.storage.inputBucket) },
            Match.stringLikeRegexp("--metadata target-seconds=300,form=auto$"),
          ],
        ],
      },
    });
  });
});

import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { randomUUID } from "node:crypto";
import { type AwsClients, createAwsClients } from "#aws/shared/aws-clients.ts";

/** SDK clients pointed explicitly at the local moto server, with fake credentials. */
export function motoClients(endpoint: string): AwsClients {
  if (!endpoint.startsWith("http://127.0.0.1:"))
    throw new Error(`refusing to talk to ${endpoint}: tests use 127.0.0.1 only`);
  return createAwsClients({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 2,
  });
}

/** The pipeline's resources inside moto, named with a unique suffix so tests sharing the server don't meet. */
export interface TestPipeline {
  readonly inputBucket: string;
  readonly outputBucket: string;
  readonly modelsBucket: string;
  /** Receives the input bucket's S3 notifications (stands in for the Lambda trigger). */
  readonly triggerQueueUrl: string;
  readonly jobQueueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly topicArn: string;
  /** Subscribed to the topic: every notification lands here. */
  readonly notificationQueueUrl: string;
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (QueueUrl === undefined) throw new Error(`no URL for queue ${name}`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? "" };
}

export async function createTestPipeline(
  clients: AwsClients,
  options: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<TestPipeline> {
  const id = randomUUID().slice(0, 8);
  const inputBucket = `input-${id}`;
  const outputBucket = `output-${id}`;
  const modelsBucket = `models-${id}`;
  for (const bucket of [inputBucket, outputBucket, modelsBucket]) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  const trigger = await createQueue(clients.sqs, `trigger-${id}`);
  const deadLetters = await createQueue(clients.sqs, `jobs-dlq-${id}`);
  const jobs = await createQueue(clients.sqs, `jobs-${id}`, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    // One receive more than the worker's attempts, as lib/job-queue.ts: the receive that reports and dead-letters.
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetters.arn,
      maxReceiveCount: options.maxReceiveCount + 1,
    }),
  });
  const notifications = await createQueue(clients.sqs, `notifications-${id}`);
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `harmonizer-${id}` }));
  if (TopicArn === undefined) throw new Error("no topic ARN");
  await clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: notifications.arn }));
  await clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: inputBucket,
      NotificationConfiguration: { QueueConfigurations: [{ QueueArn: trigger.arn, Events: ["s3:ObjectCreated:*"] }] },
    }),
  );
  return {
    inputBucket,
    outputBucket,
    modelsBucket,
    triggerQueueUrl: trigger.url,
    jobQueueUrl: jobs.url,
    deadLetterQueueUrl: deadLetters.url,
    topicArn: TopicArn,
    notificationQueueUrl: notifications.url,
  };
}

/** Receives and deletes every message currently in a queue; returns their bodies. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages === undefined || Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(message.Body ?? "");
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

/** An SNS notification as delivered to an SQS subscriber (the SNS JSON envelope). */
export interface DeliveredNotification {
  readonly Subject?: string;
  readonly Message: string;
  readonly MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export async function drainNotifications(sqs: SQSClient, queueUrl: string): Promise<DeliveredNotification[]> {
  return (await drainQueue(sqs, queueUrl)).map((body) => JSON.parse(body) as DeliveredNotification);
}

/** The S3 events waiting in the trigger queue, test events included (the validator must ignore them). */
export async function drainS3Events(sqs: SQSClient, queueUrl: string): Promise<unknown[]> {
  return (await drainQueue(sqs, queueUrl)).map((body) => JSON.parse(body) as unknown);
}

export async function listKeys(s3: S3Client, bucket: string, prefix = ""): Promise<string[]> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (Contents ?? []).map((object) => object.Key ?? "").sort();
}

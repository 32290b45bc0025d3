import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import { resultKeys } from "#aws/shared/object-keys.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import { runWorker } from "../../container/worker/worker.ts";
import type { ExtensionJobOutput } from "../../engine/job.ts";
import { createTestPipeline, drainNotifications, drainQueue, motoClients, type TestPipeline } from "../support/aws.ts";
import { encodeTestWav, songWav } from "../support/wav.ts";
import { runWorkerUntilQueueEmpty, testValidator, testWorkerDeps, uploadAndValidate } from "./harness.ts";

// Issue 20 point 3: a job whose worker is killed on every attempt (no catch block runs: out of memory, the
// instance lost) is mailed to its owner, and redriven from the dead-letter queue it runs once.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function countingEngine(): RunExtensionJob & { runs: number } {
  const engine = async () => {
    engine.runs++;
    return {
      wav: encodeTestWav({ sampleRate: 8_000, channels: [new Float32Array(8_000)] }),
      picture: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      report: { engine: "remix", notes: [], output: { seconds: 60 } },
    } as unknown as ExtensionJobOutput;
  };
  engine.runs = 0;
  return engine;
}

/** Writes the job's claim as the worker does, for `messageId`, its lease 3 h ahead. */
async function claimAs(clients: AwsClients, pipeline: TestPipeline, body: string, messageId: string): Promise<void> {
  const job = JSON.parse(body) as { jobId: string; key: string };
  const now = new Date();
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: pipeline.outputBucket,
      Key: resultKeys(job.jobId, job.key).claim,
      Body: JSON.stringify({
        messageId,
        state: "running",
        claimedAt: now.toISOString(),
        leaseUntil: new Date(now.getTime() + 3 * 3600_000).toISOString(),
      }),
    }),
  );
}

/**
 * A worker that receives the job, claims it as the worker does and is killed: nothing more happens, and the
 * message comes back when its visibility (1 s here) runs out.
 */
async function killedAttempt(clients: AwsClients, pipeline: TestPipeline): Promise<void> {
  let messages: Message[] | undefined;
  for (let tries = 0; tries < 20 && messages === undefined; tries++) {
    ({ Messages: messages } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    ));
  }
  const message = messages?.[0];
  if (message === undefined) throw new Error("the job did not come back to the queue");
  await claimAs(clients, pipeline, message.Body ?? "{}", message.MessageId ?? "");
  await sleep(1100);
}

describe("a job killed on every attempt, then redriven (moto)", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });

  it("tells the owner it died without a word, and runs once when redriven from the dead-letter queue", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "oom.wav",
      body: songWav(21, 8_000, 1),
      metadata: { notify: "owner@example.com" },
    });
    for (let attempt = 0; attempt < 3; attempt++) await killedAttempt(clients, pipeline);

    const idle = countingEngine();
    const first = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, idle));
    expect(first.outcomes).toEqual(["dead-lettered"]);
    expect(idle.runs).toBe(0);
    const failure = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(failure).toHaveLength(1);
    expect(failure[0]?.MessageAttributes?.owner?.Value).toBe("owner@example.com");
    expect(failure[0]?.Message).toMatch(/"oom.wav" .* tried 3 times, and each attempt stopped without finishing/);

    // The operator's redrive: the dead-letter queue's message goes back to the job queue as a new message.
    const dead = await drainQueue(clients.sqs, pipeline.deadLetterQueueUrl);
    expect(dead).toHaveLength(1);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: dead[0] }));
    const engine = countingEngine();
    const redriven = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engine));
    expect(redriven.outcomes).toEqual(["completed"]);
    expect(engine.runs).toBe(1);
    const result = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(result.map((n) => n.MessageAttributes?.kind?.Value)).toEqual(["result"]);
  }, 60_000);

  it("a duplicate of a job that is done is dropped without a second email", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "twice.wav",
      body: songWav(21, 8_000, 1),
    });
    const [body] = await drainQueue(clients.sqs, pipeline.jobQueueUrl);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: body }));
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: body }));
    const engine = countingEngine();
    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engine));
    expect(outcomes).toEqual(["completed", "duplicate"]);
    expect(engine.runs).toBe(1);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => n.MessageAttributes?.kind?.Value)).toEqual(["result"]);
  }, 60_000);

  it("a duplicate of a job another message holds under a live claim waits in the queue, without running", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "busy.wav",
      body: songWav(21, 8_000, 1),
    });
    const [body = "{}"] = await drainQueue(clients.sqs, pipeline.jobQueueUrl);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: body }));
    await claimAs(clients, pipeline, body, "a-message-still-running");
    const engine = countingEngine();
    const deps = testWorkerDeps(clients, pipeline, engine);
    const { outcomes } = await runWorker(deps, {
      shutdown: new AbortController().signal,
      graceMs: 0,
      stopWhenIdle: true,
    });
    expect(outcomes).toEqual(["deferred"]);
    expect(engine.runs).toBe(0);
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: pipeline.jobQueueUrl,
        AttributeNames: ["ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe("1");
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toEqual([]);
  }, 60_000);
});

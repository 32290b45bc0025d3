import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runExtensionJob } from "../../engine/job.ts";
import { SHIPPED_CONDUCTOR_DIR } from "../../engine/model/shipped.ts";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import { createTestPipeline, drainNotifications, listKeys, motoClients } from "../support/aws.ts";
import { songWav } from "../support/wav.ts";
import { runWorkerUntilQueueEmpty, testValidator, testWorkerDeps, uploadAndValidate } from "./harness.ts";

describe("which model the workers run (moto, real engine)", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });

  /** Uploads one song, runs a worker until the queue is empty, and returns the email's text. */
  async function extendOnce(pipeline: Awaited<ReturnType<typeof createTestPipeline>>): Promise<string> {
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "song.wav",
      body: songWav(25),
      metadata: { "target-seconds": "35" },
    });
    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, runExtensionJob));
    expect(outcomes).toEqual(["completed"]);
    expect(
      (await listKeys(clients.s3, pipeline.outputBucket, "results/")).some((k) => k.endsWith("-extended.wav")),
    ).toBe(true);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices).toHaveLength(1);
    return notices[0]!.Message ?? "";
  }

  it("without a model in the models bucket: the shipped conductor, and the email says so", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 5, maxReceiveCount: 3 });
    const email = await extendOnce(pipeline);
    expect(email).toMatch(/Engine: conductor, model: the shipped conductor \(models\/conductor\)\./);
  });

  it("with a model uploaded to models/current/: that model, and the email names it", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 5, maxReceiveCount: 3 });
    for (const file of readdirSync(SHIPPED_CONDUCTOR_DIR)) {
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: pipeline.modelsBucket,
          Key: `models/current/${file}`,
          Body: readFileSync(join(SHIPPED_CONDUCTOR_DIR, file)),
        }),
      );
    }
    const email = await extendOnce(pipeline);
    expect(email).toContain(`Engine: conductor, model: s3://${pipeline.modelsBucket}/models/current/.`);
  });
});

import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import { type JobMessage, jobIdFor } from "#aws/shared/job-schema.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import { createTestPipeline, drainNotifications, drainQueue, listKeys, motoClients } from "../support/aws.ts";
import { songWav } from "../support/wav.ts";
import { runWorkerUntilQueueEmpty, testValidator, testWorkerDeps, uploadAndValidate } from "./harness.ts";

// Uploads the validator turns away, and job messages the worker can never complete. No engine runs here.
const engineMustNotRun: RunExtensionJob = () => Promise.reject(new Error("the engine must not run for this message"));

describe("rejected uploads and poison messages (moto)", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });

  it("rejects a 5 s song with a notice and a report naming the 20 s minimum", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const outcomes = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "short song.wav",
      body: songWav(5, 22_050, 1),
      metadata: { "target-seconds": "40" },
    });

    expect(outcomes).toEqual([expect.objectContaining({ status: "rejected", code: "TOO_SHORT" })]);
    const report = await clients.s3.send(
      new GetObjectCommand({ Bucket: pipeline.outputBucket, Key: "rejections/short song.wav.json" }),
    );
    const json = JSON.parse((await report.Body?.transformToString()) ?? "{}") as { code: string; reason: string };
    expect(json.code).toBe("TOO_SHORT");
    expect(json.reason).toMatch(/5 s long; at least 20 s/);
    const [notice, ...others] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(others).toEqual([]);
    expect(notice?.Message).toContain('"short song.wav"');
    expect(notice?.Message).toMatch(/at least 20 s is needed/);
    expect(await drainQueue(clients.sqs, pipeline.jobQueueUrl)).toEqual([]);
  });

  it("reads the form metadata: continue goes into the job message, sonata is turned away naming the forms", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const validator = testValidator(clients, pipeline);
    const upload = (key: string, form: string) =>
      uploadAndValidate(clients, pipeline, validator, {
        key,
        body: songWav(21, 8_000, 1),
        metadata: { "target-seconds": "40", form },
      });

    expect(await upload("clip.wav", "continue")).toEqual([expect.objectContaining({ status: "accepted" })]);
    const queued = await drainQueue(clients.sqs, pipeline.jobQueueUrl);
    expect(queued.map((body) => JSON.parse(body).form)).toEqual(["continue"]);
    const rejected = await upload("opus 1.wav", "sonata");
    expect(rejected).toEqual([expect.objectContaining({ status: "rejected", code: "INVALID_TARGET" })]);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => n.Message)).toEqual([
      expect.stringMatching(/"opus 1.wav"[\s\S]*form "sonata".*one of auto, song, continue/),
    ]);
  });

  it("rejects a text file as not audio, and never reacts to its own rejection report", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const validator = testValidator(clients, pipeline);
    const outcomes = await uploadAndValidate(clients, pipeline, validator, { key: "notes.txt", body: "not a song\n" });

    expect(outcomes).toEqual([expect.objectContaining({ status: "rejected", code: "NOT_AUDIO" })]);
    // Beside the report: the count of rejection emails to this sender this hour (rejections/.mail/).
    const written = await listKeys(clients.s3, pipeline.outputBucket);
    expect(written.filter((key) => !key.startsWith("rejections/.mail/"))).toEqual(["rejections/notes.txt.json"]);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => n.Message)).toEqual([
      expect.stringMatching(/"notes.txt" was not extended[\s\S]*WAV, MP3/),
    ]);
    // An event for the pipeline's own output (same bucket layout) is ignored, not validated.
    const ownWrite = await validator({
      Records: [
        {
          eventSource: "aws:s3",
          eventName: "ObjectCreated:Put",
          s3: { bucket: { name: pipeline.outputBucket }, object: { key: "rejections/notes.txt.json", size: 10 } },
        },
      ],
    });
    expect(ownWrite).toEqual([expect.objectContaining({ status: "ignored" })]);
  });

  it("moves an unreadable message to the DLQ at once with a notice (point 9); a job whose upload is gone is dropped", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    const missing: JobMessage = {
      version: 1,
      jobId: jobIdFor(pipeline.inputBucket, "gone.wav", "etag"),
      bucket: pipeline.inputBucket,
      key: "gone.wav",
      etag: "etag",
      targetSeconds: 60,
      form: "auto",
      input: { format: "wav", seconds: 30, sampleRate: 44_100, channels: 2 },
      submittedAt: new Date().toISOString(),
    };
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: '{"version":2}' }));
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: JSON.stringify(missing) }),
    );

    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engineMustNotRun));

    // One receive each: no 3 x 30 min of visibility (and GPU boots) before the DLQ.
    expect(outcomes.sort()).toEqual(["invalid", "superseded"]);
    expect(await drainQueue(clients.sqs, pipeline.deadLetterQueueUrl)).toEqual(['{"version":2}']);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => n.MessageAttributes?.kind?.Value)).toEqual(["failure"]);
    expect(notices[0]?.Message).toMatch(/cannot be read as a job and was moved to the dead-letter queue at once/);
    const results = await listKeys(clients.s3, pipeline.outputBucket, "results/");
    expect(results.filter((key) => !key.endsWith("/claim.json"))).toEqual([]);
  });

  it("tells the owner at once when the validated version is gone (expired, deleted), instead of 3 attempts and the DLQ", async () => {
    // The deployed uploads bucket is versioned: a version replaced by a new upload of the same name expires after a
    // day, every upload after 14; a job redriven from the dead-letter queue later than that can never run.
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    await clients.s3.send(
      new PutBucketVersioningCommand({ Bucket: pipeline.inputBucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
    const validated = await clients.s3.send(
      new PutObjectCommand({ Bucket: pipeline.inputBucket, Key: "old song.wav", Body: songWav(25, 8_000, 1) }),
    );
    const versionId = validated.VersionId!;
    await clients.s3.send(
      new DeleteObjectCommand({ Bucket: pipeline.inputBucket, Key: "old song.wav", VersionId: versionId }),
    );
    const job: JobMessage = {
      version: 1,
      jobId: jobIdFor(pipeline.inputBucket, "old song.wav", versionId),
      bucket: pipeline.inputBucket,
      key: "old song.wav",
      versionId,
      etag: validated.ETag!.replaceAll('"', ""),
      targetSeconds: 40,
      form: "auto",
      input: { format: "wav", seconds: 25, sampleRate: 8_000, channels: 1 },
      owner: "listener@example.com",
      submittedAt: new Date().toISOString(),
    };
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: JSON.stringify(job) }),
    );

    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engineMustNotRun));

    expect(outcomes).toEqual(["input-error"]);
    expect(await drainQueue(clients.sqs, pipeline.deadLetterQueueUrl)).toEqual([]);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => [n.MessageAttributes?.kind?.Value, n.MessageAttributes?.owner?.Value])).toEqual([
      ["rejection", "listener@example.com"],
    ]);
    expect(notices[0]?.Message).toMatch(
      /"old song.wav" was not extended\.\nReason: the uploaded file is no longer in the upload bucket .*; upload it again/,
    );
    const report = await clients.s3.send(
      new GetObjectCommand({ Bucket: pipeline.outputBucket, Key: "rejections/old song.wav.json" }),
    );
    expect(JSON.parse((await report.Body?.transformToString()) ?? "{}")).toMatchObject({
      code: "UPLOAD_GONE",
      refusedBy: "worker",
      jobId: job.jobId,
    });
  });

  it("sends a job that keeps failing to the DLQ after 3 receives, with one failure notice", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "crash.wav",
      body: songWav(21, 8_000, 1),
    });
    const crashing: RunExtensionJob = () => Promise.reject(new Error("GPU fell off the bus"));

    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, crashing));

    expect(outcomes).toEqual(["failed", "failed", "failed"]);
    expect(await drainQueue(clients.sqs, pipeline.deadLetterQueueUrl)).toHaveLength(1);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => n.Message)).toEqual([
      expect.stringMatching(/"crash.wav" \(job [0-9a-f]{32}\) failed 3 times[\s\S]*GPU fell off/),
    ]);
    // The claim says the failure was reported, so a redrive (a new message) may run the job again.
    const keys = await listKeys(clients.s3, pipeline.outputBucket, "results/");
    expect(keys).toEqual([expect.stringMatching(/\/claim\.json$/)]);
    const claim = await clients.s3.send(new GetObjectCommand({ Bucket: pipeline.outputBucket, Key: keys[0] }));
    expect(JSON.parse((await claim.Body?.transformToString()) ?? "")).toMatchObject({ state: "failed" });
  });
});

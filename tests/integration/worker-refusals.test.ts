import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import { createTestPipeline, drainNotifications, drainQueue, listKeys, motoClients } from "../support/aws.ts";
import { encodeTestWav, songWav } from "../support/wav.ts";
import { runWorkerUntilQueueEmpty, testValidator, testWorkerDeps, uploadAndValidate } from "./harness.ts";

// Songs the validator lets through (it reads only the header and the first megabyte) that the worker's engine refuses
// once it has decoded them: the owner hears of them as of the validator's refusals, and nothing is retried.
describe("the worker's refusals reach the owner like the validator's (moto)", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });

  const readJson = async (bucket: string, key: string) => {
    const response = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await response.Body?.transformToString()) ?? "{}") as Record<string, unknown>;
  };

  it("a silent song and a 5.1 song asked for as MP3: a report under rejections/ and one email each, no retry, no dead letter", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    const validator = testValidator(clients, pipeline);
    const silence = encodeTestWav({ sampleRate: 8_000, channels: [new Float32Array(25 * 8_000)] });
    const mono = synthesizeSong({ seconds: 25, sampleRate: 8_000, channels: 1, seed: 7 }).channels[0]!;
    const surround = encodeTestWav({ sampleRate: 8_000, channels: Array.from({ length: 6 }, () => mono) });
    const notify = { notify: "listener@example.com" };
    for (const upload of [
      { key: "quiet.wav", body: silence, metadata: { ...notify, "target-seconds": "40" } },
      { key: "surround.wav", body: surround, metadata: { ...notify, "target-seconds": "40", format: "mp3" } },
    ]) {
      expect(await uploadAndValidate(clients, pipeline, validator, upload)).toEqual([
        expect.objectContaining({ status: "accepted" }),
      ]);
    }

    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, runExtensionJob));

    expect(outcomes).toEqual(["input-error", "input-error"]);
    expect(await drainQueue(clients.sqs, pipeline.deadLetterQueueUrl)).toEqual([]);
    const bucket = pipeline.outputBucket;
    const quiet = await readJson(bucket, "rejections/quiet.wav.json");
    expect(quiet).toMatchObject({ version: 1, key: "quiet.wav", code: "SILENT", refusedBy: "worker" });
    expect(quiet.reason).toMatch(/silent.*-60 dBFS/);
    expect(quiet.limits).toMatchObject({ maxInputSeconds: 600, maxTargetSeconds: 3600 });
    const wide = await readJson(bucket, "rejections/surround.wav.json");
    expect(wide).toMatchObject({ code: "UNSUPPORTED_CODEC", refusedBy: "worker", probe: { channels: 6 } });
    expect(wide.reason).toMatch(/MP3 carries 1 or 2 channels, and this song has 6/);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => [n.MessageAttributes?.kind?.Value, n.MessageAttributes?.owner?.Value])).toEqual([
      ["rejection", "listener@example.com"],
      ["rejection", "listener@example.com"],
    ]);
    const mails = notices.map((n) => n.Message).sort();
    expect(mails[0]).toMatch(
      new RegExp(
        `^Your upload "quiet.wav" was not extended\\.\\nReason: .*silent.*\\n\\nDetails: s3://${bucket}/rejections/quiet.wav.json$`,
      ),
    );
    expect(mails[1]).toMatch(/"surround.wav" was not extended[\s\S]*WAV or FLAC[\s\S]*rejections\/surround.wav.json$/);
  }, 120_000);

  it("a duplicate message of a refused job is dropped: the engine runs once and the owner gets one email", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "twice.wav",
      body: songWav(21, 8_000, 1),
    });
    const [body] = await drainQueue(clients.sqs, pipeline.jobQueueUrl);
    for (let copy = 0; copy < 2; copy++) {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: body! }));
    }
    let runs = 0;
    const refusing: RunExtensionJob = () => {
      runs++;
      return Promise.reject(new HarmonizerInputError("SILENT", "input is silent; -60 dBFS is the threshold"));
    };

    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, refusing));

    expect(outcomes).toEqual(["input-error", "duplicate"]);
    expect(runs).toBe(1);
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toHaveLength(1);
  }, 60_000);

  it("a broken model in models/current/ is the operator's to fix: retried, dead-lettered, and no rejection of the song", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    await clients.s3.send(
      new PutObjectCommand({ Bucket: pipeline.modelsBucket, Key: "models/current/model.json", Body: "not a model" }),
    );
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "fine song.wav",
      body: songWav(25, 8_000, 1),
      metadata: { "target-seconds": "35" },
    });

    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, runExtensionJob));

    expect(outcomes).toEqual(["failed", "failed", "failed"]);
    expect(await drainQueue(clients.sqs, pipeline.deadLetterQueueUrl)).toHaveLength(1);
    expect(await listKeys(clients.s3, pipeline.outputBucket, "rejections/")).toEqual([]);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => n.MessageAttributes?.kind?.Value)).toEqual(["failure"]);
    expect(notices[0]?.Message).toMatch(/"fine song.wav" \(job [0-9a-f]{32}\) failed 3 times[\s\S]*model/);
  }, 120_000);
});

import { PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { checkTargetSeconds, DEFAULT_LIMITS, lengthSeconds } from "../../contract/pipeline.ts";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import type { ExtensionJobOutput } from "../../engine/job.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import { createTestPipeline, drainNotifications, listKeys, motoClients, type TestPipeline } from "../support/aws.ts";
import { constantFlac } from "../support/constant-flac.ts";
import { encodeTestWav } from "../support/wav.ts";
import { runWorkerUntilQueueEmpty, testValidator, testWorkerDeps, uploadAndValidate } from "./harness.ts";

// Issue 10's hostile uploads, end to end against moto: validator -> queue -> worker with a stand-in engine.
const tone = (seconds: number) =>
  encodeTestWav({
    sampleRate: 8_000,
    channels: [Float32Array.from({ length: seconds * 8_000 }, (_, i) => 0.3 * Math.sin(i / 5))],
  });

/** A stand-in engine that applies the engine's own target rule with the limits it is given, and counts its runs. */
function countingEngine(inputSeconds: number): RunExtensionJob & { runs: number } {
  const engine = async (input: Parameters<RunExtensionJob>[0]) => {
    engine.runs++;
    checkTargetSeconds(lengthSeconds(input.targetSeconds, inputSeconds), inputSeconds, input.limits ?? DEFAULT_LIMITS);
    return {
      wav: tone(1),
      picture: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      report: { engine: "remix", notes: [], output: { seconds: lengthSeconds(input.targetSeconds, inputSeconds) } },
    } as unknown as ExtensionJobOutput;
  };
  engine.runs = 0;
  return engine;
}

const utf8 = (key: string) => Buffer.byteLength(key, "utf8");
const resultFiles = async (clients: AwsClients, pipeline: TestPipeline) =>
  (await listKeys(clients.s3, pipeline.outputBucket, "results/")).filter((key) => !key.endsWith("/claim.json"));

describe("hostile uploads (moto)", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });
  const pipelineWith = () => createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });

  it("point 6: with maxTargetMinutes=120 a 5,400 s target is accepted and the worker's engine gets the same limit", async () => {
    const pipeline = await pipelineWith();
    const limits = { MAX_TARGET_SECONDS: "7200" };
    const [accepted] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline, limits), {
      key: "long.wav",
      body: tone(21),
      metadata: { "target-seconds": "5400" },
    });
    expect(accepted?.status).toBe("accepted");
    const engine = countingEngine(21);
    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engine, limits));
    expect(outcomes).toEqual(["completed"]);
  });

  it("point 4: a file overwritten after validation is not run (If-Match on the validated ETag)", async () => {
    const pipeline = await pipelineWith();
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), { key: "swap.wav", body: tone(21) });
    await clients.s3.send(new PutObjectCommand({ Bucket: pipeline.inputBucket, Key: "swap.wav", Body: tone(60) }));
    const engine = countingEngine(21);
    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engine));
    expect(outcomes).toEqual(["superseded"]);
    expect(engine.runs).toBe(0);
    expect(await resultFiles(clients, pipeline)).toEqual([]);
  });

  it("point 4: with a versioned uploads bucket the job carries the VersionId and reads exactly that version", async () => {
    const pipeline = await pipelineWith();
    await clients.s3.send(
      new PutBucketVersioningCommand({ Bucket: pipeline.inputBucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
    const [accepted] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "v.wav",
      body: tone(21),
    });
    expect(accepted?.status === "accepted" && accepted.job.versionId).toBeTruthy();
    expect(accepted?.status === "accepted" && accepted.job.size).toBe(tone(21).length);
    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, countingEngine(21)));
    expect(outcomes).toEqual(["completed"]);
  });

  it("point 4: the worker refuses an object over its upload limit before reading it", async () => {
    const pipeline = await pipelineWith();
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), { key: "big.wav", body: tone(21) });
    const engine = countingEngine(21);
    const { outcomes } = await runWorkerUntilQueueEmpty(
      testWorkerDeps(clients, pipeline, engine, { MAX_UPLOAD_BYTES: "1000" }),
    );
    expect(outcomes).toEqual(["input-error"]);
    expect(engine.runs).toBe(0);
    const [notice] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notice?.Message).toMatch(/at most 1000 bytes/);
  });

  it("point 5: keys near 1,024 bytes give result and rejection keys within S3's limit", async () => {
    const pipeline = await pipelineWith();
    const validator = testValidator(clients, pipeline);
    const longName = (n: number, ext: string) => `${"é".repeat((n - ext.length) / 2)}${ext}`;
    const songKey = longName(1000, ".wav");
    const textKey = longName(1010, ".txt");
    expect([utf8(songKey), utf8(textKey)]).toEqual([1000, 1010]);
    expect(await uploadAndValidate(clients, pipeline, validator, { key: songKey, body: tone(21) })).toEqual([
      expect.objectContaining({ status: "accepted" }),
    ]);
    expect(await uploadAndValidate(clients, pipeline, validator, { key: textKey, body: "not audio" })).toEqual([
      expect.objectContaining({ status: "rejected", code: "NOT_AUDIO" }),
    ]);
    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, countingEngine(21)));
    expect(outcomes).toEqual(["completed"]);
    const written = await listKeys(clients.s3, pipeline.outputBucket);
    const reports = written.filter((key) => key.startsWith("rejections/") && !key.startsWith("rejections/.mail/"));
    expect(reports).toHaveLength(1);
    expect(written.filter((key) => key.endsWith("-extended.wav"))).toHaveLength(1);
    for (const key of written) expect(utf8(key), key.slice(0, 60)).toBeLessThanOrEqual(1024);
  });

  it("point 10: a right-to-left override in a key is shown escaped in the email (line breaks: job-notifications test)", async () => {
    const pipeline = await pipelineWith();
    const key = "song \u202Evaw.exe.wav";
    await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), { key, body: tone(21) });
    await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, countingEngine(21)));
    const [notice] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notice?.Message).not.toContain("\u202E");
    expect(notice?.Message).toContain('"song \\u{202E}vaw.exe.wav"');
  });

  it("point 10: an upload under a reserved prefix is not processed, and the owner is told why", async () => {
    const pipeline = await pipelineWith();
    const outcomes = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "results/my song.wav",
      body: tone(21),
      metadata: { notify: "listener@example.com" },
    });
    expect(outcomes).toEqual([expect.objectContaining({ status: "ignored" })]);
    const [notice, ...others] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(others).toEqual([]);
    expect(notice?.MessageAttributes?.owner?.Value).toBe("listener@example.com");
    expect(notice?.Message).toMatch(/"results\/my song.wav" was not extended[\s\S]*reserved/);
  });

  // Issue 20: the review's new cases, through the real validator over moto.
  it.each([
    [
      "a 1 Hz WAV",
      () => encodeTestWav({ sampleRate: 1, channels: [new Float32Array(30).fill(0.3)] }),
      /1 Hz; from 8000/,
    ],
    [
      "an 8 Hz WAV",
      () => encodeTestWav({ sampleRate: 8, channels: [new Float32Array(240).fill(0.3)] }),
      /8 Hz; from 8000/,
    ],
    [
      "the 1.6 MB FLAC of 8 channels x 640 kHz x 1190 s",
      () => constantFlac({ sampleRate: 640_000, channels: 8, seconds: 1190 }),
      /640000 Hz; from 8000 to 192000 Hz/,
    ],
  ])("issue 20: refuses %s by email, naming the accepted range, and queues no job", async (_name, body, reason) => {
    const pipeline = await pipelineWith();
    const [outcome] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "hostile.bin",
      body: body(),
    });
    expect(outcome).toMatchObject({
      status: "rejected",
      code: "UNSUPPORTED_CODEC",
      reason: expect.stringMatching(reason),
    });
    const [notice] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notice?.Message).toMatch(reason);
  });
});

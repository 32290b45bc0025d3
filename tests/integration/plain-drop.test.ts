import { beforeAll, describe, expect, inject, it } from "vitest";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import type { ExtensionJobInput, ExtensionJobOutput } from "../../engine/job.ts";
import { lengthSeconds } from "../../engine/target-length.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import { createTestPipeline, drainNotifications, drainQueue, listKeys, motoClients } from "../support/aws.ts";
import { encodeTestWav } from "../support/wav.ts";
import { runWorkerUntilQueueEmpty, testValidator, testWorkerDeps, uploadAndValidate } from "./harness.ts";

const RATE = 8_000;
const tone = (seconds: number) =>
  encodeTestWav({
    sampleRate: RATE,
    channels: [Float32Array.from({ length: seconds * RATE }, (_, i) => 0.3 * Math.sin(i / 5))],
  });

/** A stand-in engine that records the target the worker hands it and answers with the song's length worked out. */
function recordingEngine(songSeconds: number): RunExtensionJob & { targets: ExtensionJobInput["targetSeconds"][] } {
  const engine = async (input: ExtensionJobInput) => {
    engine.targets.push(input.targetSeconds);
    const seconds = lengthSeconds(input.targetSeconds, songSeconds);
    return {
      wav: tone(1),
      picture: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      report: { engine: "remix", notes: [], output: { seconds } },
    } as unknown as ExtensionJobOutput;
  };
  engine.targets = [] as ExtensionJobInput["targetSeconds"][];
  return engine;
}

describe("a plain drop works (moto): the length comes from metadata, the file's folder, or twice the song", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });
  const pipelineWith = () => createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });

  it("a 200 s song dropped with no metadata is extended to twice its decoded length, not refused", async () => {
    const pipeline = await pipelineWith();
    const [outcome] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "long song.wav",
      body: tone(200),
    });
    expect(outcome?.status).toBe("accepted");
    expect(outcome?.status === "accepted" && outcome.job).toMatchObject({ targetSeconds: 400, targetTimes: 2 });
    const engine = recordingEngine(200);
    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engine));
    expect(outcomes).toEqual(["completed"]);
    // The worker applies the multiple to the song as decoded, not to the header's estimate.
    expect(engine.targets).toEqual([{ times: 2 }]);
  });

  it.each([
    ["10m/song.wav", undefined, { targetSeconds: 600 }],
    ["alice/x1.5/song.wav", undefined, { targetSeconds: 45, targetTimes: 1.5 }],
    ["alice/song.wav", undefined, { targetSeconds: 60, targetTimes: 2 }],
    ["10m/song.wav", "1:30", { targetSeconds: 90 }],
  ])("%s with target-seconds %s queues %j", async (key, metadata, expected) => {
    const pipeline = await pipelineWith();
    const [outcome] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key,
      body: tone(30),
      ...(metadata === undefined ? {} : { metadata: { "target-seconds": metadata } }),
    });
    expect(outcome?.status === "accepted" && outcome.job).toMatchObject(expected);
    if (!("targetTimes" in expected)) expect(outcome?.status === "accepted" && outcome.job.targetTimes).toBeUndefined();
  });

  it("a folder made in the S3 console (an empty object named 10m/) is no upload: no email, no report, no job", async () => {
    const pipeline = await pipelineWith();
    const outcomes = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "10m/",
      body: new Uint8Array(),
    });
    expect(outcomes).toEqual([expect.objectContaining({ status: "ignored", key: "10m/" })]);
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toEqual([]);
    expect(await listKeys(clients.s3, pipeline.outputBucket)).toEqual([]);
    expect(await drainQueue(clients.sqs, pipeline.jobQueueUrl)).toEqual([]);
  });

  it("a folder asking for more than the limit is refused to the owner, naming the folder and the limit", async () => {
    const pipeline = await pipelineWith();
    const [outcome] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "2h/song.wav",
      body: tone(30),
      metadata: { notify: "owner@example.com" },
    });
    expect(outcome?.status).toBe("rejected");
    const [notice] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notice?.Message).toMatch(/7200 s is too long; at most 3600 s is possible \(set by the folder "2h\/"\)/);
  });
});

import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import type { FormSetting } from "../../engine/extend/types.ts";
import type { ExtensionJobInput, ExtensionJobOutput } from "../../engine/job.ts";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import { type JobMessage, jobIdFor } from "#aws/shared/job-schema.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import { runWorker } from "../../container/worker/worker.ts";
import {
  createTestPipeline,
  drainNotifications,
  drainQueue,
  listKeys,
  motoClients,
  type TestPipeline,
} from "../support/aws.ts";
import { encodeTestWav } from "../support/wav.ts";
import { testWorkerDeps } from "../integration/harness.ts";

// The worker's control flow against moto with a stand-in engine (the real one runs in tests/integration).
const sine = (seconds: number) =>
  encodeTestWav({
    sampleRate: 8_000,
    channels: [Float32Array.from({ length: seconds * 8_000 }, (_, i) => 0.3 * Math.sin(i / 5))],
  });

/** These jobs name their target in seconds (the stand-in has no song to take a multiple of). */
function secondsOf(input: ExtensionJobInput): number {
  if (typeof input.targetSeconds !== "number") throw new Error("expected a target in seconds");
  return input.targetSeconds;
}

function standInEngine(options: { delayMs: number; onStart?: (input: ExtensionJobInput) => void }): RunExtensionJob {
  return async (input) => {
    options.onStart?.(input);
    for (let t = 0; t < options.delayMs; t += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      input.onProgress?.(t / 1000, secondsOf(input));
    }
    return {
      wav: sine(secondsOf(input)),
      picture: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      report: {
        engine: "remix",
        notes: [],
        form: input.form === "continue" ? "continue" : "song",
        formReason: `asked for ${input.form ?? "nothing"}`,
        output: { seconds: input.targetSeconds },
      },
    } as unknown as ExtensionJobOutput;
  };
}

async function queueJob(
  clients: AwsClients,
  pipeline: TestPipeline,
  key: string,
  form: FormSetting = "auto",
): Promise<JobMessage> {
  const { ETag } = await clients.s3.send(
    new PutObjectCommand({ Bucket: pipeline.inputBucket, Key: key, Body: sine(21) }),
  );
  const etag = (ETag ?? "").replace(/"/g, "");
  const job: JobMessage = {
    version: 1,
    jobId: jobIdFor(pipeline.inputBucket, key, etag),
    bucket: pipeline.inputBucket,
    key,
    etag,
    targetSeconds: 30,
    form,
    input: { format: "wav", seconds: 21, sampleRate: 8_000, channels: 1 },
    owner: "listener@example.com",
    submittedAt: new Date().toISOString(),
  };
  await clients.sqs.send(new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: JSON.stringify(job) }));
  return job;
}

describe("worker loop (moto, stand-in engine)", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });

  it("on SIGTERM finishes the job in hand within the grace period, then stops polling", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const job = await queueJob(clients, pipeline, "a.wav");
    await queueJob(clients, pipeline, "b.wav");
    const shutdown = new AbortController();
    const engine = standInEngine({ delayMs: 300, onStart: () => shutdown.abort() });

    const run = await runWorker(testWorkerDeps(clients, pipeline, engine), {
      shutdown: shutdown.signal,
      graceMs: 5_000,
    });

    expect(run.outcomes).toEqual(["completed"]);
    const files = await listKeys(clients.s3, pipeline.outputBucket, `results/${job.jobId}/`);
    expect(files.filter((k) => !k.endsWith("/claim.json"))).toHaveLength(5); // WAV, picture, report, original, page
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toHaveLength(1);
    expect(await drainQueue(clients.sqs, pipeline.jobQueueUrl)).toHaveLength(1); // b.wav is left for the next worker
  });

  it("passes the job's form to the engine and names the form used in the email", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    await queueJob(clients, pipeline, "clip.wav", "continue");
    const forms: (FormSetting | undefined)[] = [];
    const engine = standInEngine({ delayMs: 0, onStart: (input) => forms.push(input.form) });

    const run = await runWorker(testWorkerDeps(clients, pipeline, engine), {
      shutdown: new AbortController().signal,
      graceMs: 0,
      stopWhenIdle: true,
    });

    expect(run.outcomes).toEqual(["completed"]);
    expect(forms).toEqual(["continue"]);
    const [notice] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notice?.Message).toContain("Form: continue (asked for continue).");
  });

  it("tells the owner why a song cannot be extended and drops the message (a retry cannot fix it)", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    await queueJob(clients, pipeline, "silent.wav");
    const silentEngine: RunExtensionJob = async () => {
      throw new HarmonizerInputError("SILENT", "the song is silent; at least -60 LUFS is needed");
    };

    const run = await runWorker(testWorkerDeps(clients, pipeline, silentEngine), {
      shutdown: new AbortController().signal,
      graceMs: 0,
      stopWhenIdle: true,
    });

    expect(run.outcomes).toEqual(["input-error"]);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((n) => [n.MessageAttributes?.kind?.Value, n.MessageAttributes?.owner?.Value])).toEqual([
      ["rejection", "listener@example.com"],
    ]);
    expect(notices[0]?.Message).toMatch(/Reason: the song is silent; at least -60 LUFS is needed/);
    expect(await drainQueue(clients.sqs, pipeline.jobQueueUrl)).toEqual([]);
    expect(await drainQueue(clients.sqs, pipeline.deadLetterQueueUrl)).toEqual([]);
  });

  it("point 8: the same job queued twice (a duplicate S3 event) runs once and sends one email", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const job = await queueJob(clients, pipeline, "twice.wav");
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: JSON.stringify(job) }),
    );
    let runs = 0;
    const engine = standInEngine({ delayMs: 0, onStart: () => runs++ });

    const run = await runWorker(testWorkerDeps(clients, pipeline, engine), {
      shutdown: new AbortController().signal,
      graceMs: 0,
      stopWhenIdle: true,
    });

    expect(run.outcomes).toEqual(["completed", "duplicate"]);
    expect(runs).toBe(1);
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toHaveLength(1);
    expect(await drainQueue(clients.sqs, pipeline.jobQueueUrl)).toEqual([]);
  });

  it("point 3: stops a job that runs past its deadline and counts the attempt as failed", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    await queueJob(clients, pipeline, "endless.wav");
    let cancelled = false;
    const endless: RunExtensionJob = (_input, cancel) =>
      new Promise((_resolve, reject) =>
        cancel?.addEventListener("abort", () => {
          cancelled = true;
          reject(cancel.reason);
        }),
      );

    const run = await runWorker(testWorkerDeps(clients, pipeline, endless, { JOB_DEADLINE_SECONDS: "0.2" }), {
      shutdown: new AbortController().signal,
      graceMs: 0,
      maxMessages: 1,
    });

    expect(run.outcomes).toEqual(["failed"]);
    expect(cancelled).toBe(true);
  });
});

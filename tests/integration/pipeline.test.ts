import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runExtensionJob } from "../../engine/job.ts";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import { runWorker } from "../../container/worker/worker.ts";
import { threadedRunJob } from "../../container/worker/engine-thread.ts";
import { createTestPipeline, drainNotifications, listKeys, motoClients } from "../support/aws.ts";
import { decodeTestWav, songWav } from "../support/wav.ts";
import { runWorkerUntilQueueEmpty, testValidator, testWorkerDeps, uploadAndValidate } from "./harness.ts";

// The whole pipeline against moto: upload -> S3 event -> validator -> job queue -> worker (the real
// engine, WASM/CPU, no trained model) -> result in S3 -> SNS notification -> presigned download.
describe("upload to notification (moto, real engine)", () => {
  let clients: AwsClients;
  let endpoint: string;
  beforeAll(() => {
    endpoint = inject("motoEndpoint");
    clients = motoClients(endpoint);
  });

  it("extends a 25 s stereo song named 'my song é.wav' to 40 s and mails a link that downloads it", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 2, maxReceiveCount: 3 });
    const key = "uploads/my song é.wav";
    const accepted = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key,
      body: songWav(25),
      metadata: { "target-seconds": "40", notify: "listener@example.com" },
    });
    expect(accepted).toEqual([expect.objectContaining({ status: "accepted", key })]);

    // The engine as the container runs it: in a worker thread.
    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, threadedRunJob()));

    expect(outcomes).toEqual(["completed"]);
    const results = (await listKeys(clients.s3, pipeline.outputBucket, "results/")).filter(
      (k) => !k.endsWith("/claim.json"),
    );
    expect(results).toHaveLength(5);
    expect(results.some((k) => k.endsWith("/my song é-extended.wav"))).toBe(true);
    expect(results.some((k) => k.endsWith("/picture.png"))).toBe(true);
    expect(results.some((k) => k.endsWith("/report.json"))).toBe(true);
    expect(results.some((k) => k.endsWith("/original.wav"))).toBe(true); // the page's "before" player
    expect(results.some((k) => k.endsWith("/index.html"))).toBe(true); // the result page

    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices).toHaveLength(1);
    const notice = notices[0]!;
    expect(notice.MessageAttributes?.owner?.Value).toBe("listener@example.com");
    // The shipped conductor chose the phrases: the deployed workers run the model.
    expect(notice.Message).toMatch(/Engine: conductor/);
    expect(notice.Message).not.toMatch(/No trained model was used/);
    const until = /work until (\S+)\./.exec(notice.Message)?.[1];
    const daysLeft = (Date.parse(until ?? "") - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(2.99);
    expect(daysLeft).toBeLessThanOrEqual(3);

    const link = /Download: (\S+)/.exec(notice.Message)?.[1] ?? "";
    expect(link.startsWith(`${endpoint}/`)).toBe(true);
    const download = await fetch(link);
    expect(download.status).toBe(200);
    const wav = decodeTestWav(new Uint8Array(await download.arrayBuffer()));
    expect(wav.seconds).toBeCloseTo(40, 1);
    expect(wav.sampleRate).toBe(44_100);
    expect(wav.channels).toBe(2);
  });

  it("hands a job back when stopped mid-job; the job then completes exactly once, and a duplicate message neither runs nor emails (point 8)", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 2, maxReceiveCount: 3 });
    const [accepted] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "stopped.wav",
      body: songWav(25),
      metadata: { "target-seconds": "30" },
    });
    if (accepted?.status !== "accepted") throw new Error(`upload not accepted: ${JSON.stringify(accepted)}`);

    // SIGTERM arrives while the engine runs; no grace: the job must be handed back at once.
    const shutdown = new AbortController();
    const engineInterruptedBySigterm: RunExtensionJob = (input) => {
      shutdown.abort();
      return runExtensionJob(input);
    };
    const stopped = await runWorker(testWorkerDeps(clients, pipeline, engineInterruptedBySigterm), {
      shutdown: shutdown.signal,
      graceMs: 0,
    });
    expect(stopped.outcomes).toEqual(["abandoned"]);
    expect(
      (await listKeys(clients.s3, pipeline.outputBucket, "results/")).filter((k) => !k.endsWith("/claim.json")),
    ).toEqual([]);

    const resumed = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, runExtensionJob));
    expect(resumed.outcomes).toEqual(["completed"]);
    expect(
      (await listKeys(clients.s3, pipeline.outputBucket, "results/")).filter((k) => !k.endsWith("/claim.json")),
    ).toHaveLength(5);
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toHaveLength(1);

    // A duplicate message of the finished job (a second S3 event): no new work and no second email.
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: JSON.stringify(accepted.job) }),
    );
    const engineMustNotRun: RunExtensionJob = () => Promise.reject(new Error("the finished job ran again"));
    const duplicate = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engineMustNotRun));
    expect(duplicate.outcomes).toEqual(["duplicate"]);
    expect(
      (await listKeys(clients.s3, pipeline.outputBucket, "results/")).filter((k) => !k.endsWith("/claim.json")),
    ).toHaveLength(5);
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toEqual([]);
  });
});

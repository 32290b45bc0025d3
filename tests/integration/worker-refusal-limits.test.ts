import { GetObjectCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import type { UploadOutcome } from "../../functions/validator/handler.ts";
import { createTestPipeline, drainNotifications, listKeys, motoClients } from "../support/aws.ts";
import { songWav } from "../support/wav.ts";
import {
  runWorkerUntilQueueEmpty,
  scheduledEvent,
  testValidator,
  testWorkerDeps,
  uploadAndValidate,
} from "./harness.ts";

// The worker's refusals (what only the decoded song shows) go through the validator's rules for rejections: the
// uploader's hourly allowance of rejection emails, and a report that never replaces another one.
const refusing: RunExtensionJob = () =>
  Promise.reject(new HarmonizerInputError("SILENT", "input is silent; -60 dBFS is the threshold"));
const notText = "Dear diary, this is not a song.\n".repeat(40);
const ALICE = "AWS:AIDAEXAMPLEALICE";

/** The S3 event as S3 sends it, naming the uploader's principal (moto's records name none). */
function fromUploader(event: unknown, principalId: string): unknown {
  const { Records } = event as { Records?: object[] };
  return Records === undefined
    ? event
    : { ...event!, Records: Records.map((r) => ({ ...r, userIdentity: { principalId } })) };
}

const reportsIn = (keys: string[]) => keys.filter((key) => !key.startsWith("rejections/.mail/"));

describe("the worker's refusals keep the validator's rules for rejections (moto)", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });

  const readText = async (bucket: string, key: string) =>
    (await (await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()) ?? "";

  it("counts them against the uploader's hourly allowance with the validator's, the rest in the digest after the hour", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    let clock = new Date("2026-12-06T10:00:00Z");
    const allowance = { REJECTION_EMAILS_PER_HOUR: "2" };
    const validator = testValidator(clients, pipeline, allowance, () => clock);
    const alice = (event: unknown) => validator(fromUploader(event, ALICE));
    const notify = { notify: "alice@example.com" };
    // Three folders: were the refusals counted by folder, each would have an allowance of its own.
    const rejected = await uploadAndValidate(clients, pipeline, alice, {
      key: "drafts/notes.txt",
      body: notText,
      metadata: notify,
    });
    expect(rejected).toEqual([expect.objectContaining({ status: "rejected", mail: "mailed" })]);
    for (const key of ["live/one.wav", "demos/two.wav"]) {
      const accepted = await uploadAndValidate(clients, pipeline, alice, {
        key,
        body: songWav(21, 8_000, 1),
        metadata: notify,
      });
      expect(accepted).toEqual([expect.objectContaining({ status: "accepted" })]);
      expect((accepted[0] as Extract<UploadOutcome, { status: "accepted" }>).job.uploader).toBe(ALICE);
    }

    const worker = { ...testWorkerDeps(clients, pipeline, refusing, allowance), now: () => clock };
    expect((await runWorkerUntilQueueEmpty(worker)).outcomes).toEqual(["input-error", "input-error"]);

    const mails = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(mails.map((n) => n.MessageAttributes?.kind?.Value)).toEqual(["rejection", "rejection"]);
    const [, workerMail] = mails;
    expect(workerMail?.Message).toMatch(
      /^Your upload "(live\/one|demos\/two)\.wav" was not extended\.\nReason: .*silent/,
    );
    expect(workerMail?.Message).toMatch(/That makes 2 rejection emails within the hour/);
    const mailed = /"(.*?)"/.exec(workerMail?.Message ?? "")?.[1];
    const held = mailed === "live/one.wav" ? "demos/two.wav" : "live/one.wav";
    // Every refusal has its report, mailed or held.
    expect(reportsIn(await listKeys(clients.s3, pipeline.outputBucket, "rejections/"))).toEqual([
      "rejections/demos/two.wav.json",
      "rejections/drafts/notes.txt.json",
      "rejections/live/one.wav.json",
    ]);

    clock = new Date("2026-12-06T11:00:00Z");
    expect(await validator(scheduledEvent(clock))).toEqual([
      expect.objectContaining({ status: "digest", sender: `uploader:${ALICE}`, count: 1 }),
    ]);
    const [digest, ...others] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(others).toEqual([]);
    expect(digest?.MessageAttributes?.owner?.Value).toBe("alice@example.com");
    expect(digest?.Message).toContain(`- ${held}`);
    expect(digest?.Message).not.toContain(`- ${mailed}`);
  }, 60_000);

  it("never replaces a newer report of the validator's for the same name: the worker's goes beside it, and its email names it", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    // Versioned, as the stack's upload bucket: the job still reads the version it was made for.
    await clients.s3.send(
      new PutBucketVersioningCommand({ Bucket: pipeline.inputBucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
    const validator = testValidator(clients, pipeline);
    const [accepted] = await uploadAndValidate(clients, pipeline, validator, {
      key: "take.wav",
      body: songWav(21, 8_000, 1),
    });
    if (accepted?.status !== "accepted") throw new Error("the song should be accepted");
    // Before its job runs, a file of the same name that is no song replaces it, and the validator refuses that.
    const [refused] = await uploadAndValidate(clients, pipeline, validator, { key: "take.wav", body: notText });
    expect(refused).toEqual(expect.objectContaining({ status: "rejected", code: "NOT_AUDIO" }));
    await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    const validatorReport = await readText(pipeline.outputBucket, "rejections/take.wav.json");

    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, refusing));

    expect(outcomes).toEqual(["input-error"]);
    expect(await readText(pipeline.outputBucket, "rejections/take.wav.json")).toBe(validatorReport);
    const ownKey = `rejections/take.wav.${accepted.job.jobId}.json`;
    expect(reportsIn(await listKeys(clients.s3, pipeline.outputBucket, "rejections/"))).toEqual([
      ownKey,
      "rejections/take.wav.json",
    ]);
    expect(JSON.parse(await readText(pipeline.outputBucket, ownKey))).toMatchObject({
      key: "take.wav",
      refusedBy: "worker",
      jobId: accepted.job.jobId,
    });
    const [mail] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(mail?.Message).toMatch(
      new RegExp(`Details: s3://${pipeline.outputBucket}/${ownKey.replaceAll(".", "\\.")}$`),
    );
  }, 60_000);
});

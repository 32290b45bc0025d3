import { GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import { jobIdFor } from "#aws/shared/job-schema.ts";
import type { RunExtensionJob } from "../../container/worker/deps.ts";
import {
  createTestPipeline,
  drainNotifications,
  drainQueue,
  drainS3Events,
  listKeys,
  motoClients,
} from "../support/aws.ts";
import { songWav } from "../support/wav.ts";
import {
  runWorkerUntilQueueEmpty,
  scheduledEvent,
  testValidator,
  testWorkerDeps,
  uploadAndValidate,
} from "./harness.ts";

// Issue 20 points 4 and 5 across the services (moto): rejections mailed once per upload and at most N an hour
// per sender, with the rest in a digest; a job naming another bucket than the deployed upload bucket is refused.
const engineMustNotRun: RunExtensionJob = () => Promise.reject(new Error("the engine must not run for this message"));
const notText = (n: number) => `Dear diary, upload number ${n}.\n`.repeat(40);

describe("failures are heard, once each, and no louder than that (moto)", () => {
  let clients: AwsClients;
  beforeAll(() => {
    clients = motoClients(inject("motoEndpoint"));
  });

  const readText = async (bucket: string, key: string) =>
    (await (await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()) ?? "";

  it("mails a refused upload once when its event is delivered twice", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    await clients.s3.send(new PutObjectCommand({ Bucket: pipeline.inputBucket, Key: "notes.txt", Body: notText(1) }));
    const events = await drainS3Events(clients.sqs, pipeline.triggerQueueUrl);
    const validator = testValidator(clients, pipeline);
    const deliver = async () => (await Promise.all(events.map((event) => validator(event)))).flat();
    const first = await deliver();
    const again = await deliver();
    expect(first).toEqual([expect.objectContaining({ status: "rejected", mail: "mailed" })]);
    expect(again).toEqual([expect.objectContaining({ status: "rejected", mail: "duplicate" })]);
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toHaveLength(1);
  });

  it("never replaces an older version's report: a new upload of the same name refused goes beside it, once", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    // Versioned, as the stack's upload bucket: each upload of take.txt is a version of its own.
    await clients.s3.send(
      new PutBucketVersioningCommand({ Bucket: pipeline.inputBucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
    const validator = testValidator(clients, pipeline);
    const upload = async (n: number) => {
      const put = await clients.s3.send(
        new PutObjectCommand({ Bucket: pipeline.inputBucket, Key: "take.txt", Body: notText(n) }),
      );
      return { versionId: put.VersionId ?? "", events: await drainS3Events(clients.sqs, pipeline.triggerQueueUrl) };
    };
    const deliver = async (events: unknown[]) => (await Promise.all(events.map((event) => validator(event)))).flat();
    const older = await upload(1);
    expect(await deliver(older.events)).toEqual([expect.objectContaining({ status: "rejected", mail: "mailed" })]);
    const olderReport = await readText(pipeline.outputBucket, "rejections/take.txt.json");
    expect(JSON.parse(olderReport)).toMatchObject({ objectVersion: older.versionId });

    const newer = await upload(2);
    expect(await deliver(newer.events)).toEqual([expect.objectContaining({ status: "rejected", mail: "mailed" })]);
    expect(await deliver(newer.events)).toEqual([expect.objectContaining({ status: "rejected", mail: "duplicate" })]);

    expect(await readText(pipeline.outputBucket, "rejections/take.txt.json")).toBe(olderReport);
    const besideKey = `rejections/take.txt.${jobIdFor(pipeline.inputBucket, "take.txt", newer.versionId)}.json`;
    const reports = await listKeys(clients.s3, pipeline.outputBucket, "rejections/");
    expect(reports.filter((key) => !key.startsWith("rejections/.mail/"))).toEqual([
      besideKey,
      "rejections/take.txt.json",
    ]);
    expect(JSON.parse(await readText(pipeline.outputBucket, besideKey))).toMatchObject({
      key: "take.txt",
      code: "NOT_AUDIO",
      objectVersion: newer.versionId,
    });
    const mails = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(mails.map((mail) => /Details: (.*)$/.exec(mail.Message ?? "")?.[1])).toEqual([
      `s3://${pipeline.outputBucket}/rejections/take.txt.json`,
      `s3://${pipeline.outputBucket}/${besideKey}`,
    ]);
  });

  it("mails at most 3 rejections an hour per folder, and lists the rest in the first one after the hour", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    let clock = new Date("2026-12-06T10:00:00Z");
    const validator = testValidator(clients, pipeline, { REJECTION_EMAILS_PER_HOUR: "3" }, () => clock);
    const mails: string[] = [];
    for (let n = 1; n <= 7; n++) {
      const [outcome] = await uploadAndValidate(clients, pipeline, validator, {
        key: `flood/${n}.txt`,
        body: notText(n),
      });
      mails.push(outcome?.status === "rejected" ? outcome.mail : "?");
    }
    expect(mails).toEqual(["mailed", "mailed", "mailed", "held", "held", "held", "held"]);
    const hour = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(hour).toHaveLength(3);
    expect(hour[2]?.Message).toMatch(/That makes 3 rejection emails within the hour/);
    // Every rejection still has its report.
    const reports = await listKeys(clients.s3, pipeline.outputBucket, "rejections/flood/");
    expect(reports).toHaveLength(7);

    clock = new Date("2026-12-06T11:05:00Z");
    await uploadAndValidate(clients, pipeline, validator, { key: "flood/8.txt", body: notText(8) });
    const [digest] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(digest?.Message).toMatch(/"flood\/8.txt" was not extended/);
    expect(digest?.Message).toMatch(/Also rejected since 2026-12-06T10:00:00.000Z without an email of their own \(4\)/);
    for (const n of [4, 5, 6, 7]) expect(digest?.Message).toContain(`- flood/${n}.txt`);
  });

  it("counts a flood against its sender even when each upload names a new notify address", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const validator = testValidator(clients, pipeline, { REJECTION_EMAILS_PER_HOUR: "3" }, () => new Date());
    const mails: string[] = [];
    for (let n = 1; n <= 6; n++) {
      const [outcome] = await uploadAndValidate(clients, pipeline, validator, {
        key: `flood/${n}.txt`,
        body: notText(n),
        // Every email goes to the deploy's notifyEmail: a fresh notify value must not open a fresh allowance.
        metadata: { notify: `victim${n}@example.com` },
      });
      mails.push(outcome?.status === "rejected" ? outcome.mail : "?");
    }
    expect(mails).toEqual(["mailed", "mailed", "mailed", "held", "held", "held"]);
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toHaveLength(3);
  });

  it("mails the held-back rejections as one digest after the hour when the flood stops (the schedule's sweep)", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    let clock = new Date("2026-12-06T10:00:00Z");
    const validator = testValidator(clients, pipeline, { REJECTION_EMAILS_PER_HOUR: "2" }, () => clock);
    for (let n = 1; n <= 5; n++)
      await uploadAndValidate(clients, pipeline, validator, {
        key: `burst/${n}.txt`,
        body: notText(n),
        metadata: { notify: "Owner@Example.com" },
      });
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toHaveLength(2);

    // Silence. The schedule invokes the validator every 15 minutes; within the hour it holds on.
    clock = new Date("2026-12-06T10:45:00Z");
    expect(await validator(scheduledEvent(clock))).toEqual([]);
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toEqual([]);

    clock = new Date("2026-12-06T11:00:00Z");
    expect(await validator(scheduledEvent(clock))).toEqual([
      // moto's events name no principal, so the sender is the top folder (on S3: the uploader's principal).
      expect.objectContaining({ status: "digest", sender: "folder:burst", count: 3 }),
    ]);
    const [digest, ...others] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(others).toEqual([]);
    expect(digest?.MessageAttributes?.kind?.Value).toBe("rejection");
    expect(digest?.MessageAttributes?.owner?.Value).toBe("Owner@Example.com");
    expect(digest?.Message).toMatch(/rejected since 2026-12-06T10:00:00.000Z without an email of their own \(3\)/);
    for (const n of [3, 4, 5]) expect(digest?.Message).toContain(`- burst/${n}.txt`);

    // Sent once: the next sweep and the sender's next rejection carry no second copy.
    clock = new Date("2026-12-06T11:15:00Z");
    expect(await validator(scheduledEvent(clock))).toEqual([]);
    await uploadAndValidate(clients, pipeline, validator, {
      key: "burst/6.txt",
      body: notText(6),
      metadata: { notify: "owner@example.com" },
    });
    const [next] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(next?.Message).not.toMatch(/Also rejected/);
  });

  it("refuses a job that names another bucket than the deployed upload bucket (the models bucket, say)", async () => {
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const [accepted] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
      key: "song.wav",
      body: songWav(21, 8_000, 1),
    });
    if (accepted?.status !== "accepted") throw new Error("the song should be accepted");
    await drainQueue(clients.sqs, pipeline.jobQueueUrl);
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: pipeline.modelsBucket,
        Key: "training/set/secret.wav",
        Body: songWav(21, 8_000, 1),
      }),
    );
    const forged = { ...accepted.job, bucket: pipeline.modelsBucket, key: "training/set/secret.wav" };
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.jobQueueUrl, MessageBody: JSON.stringify(forged) }),
    );

    const { outcomes } = await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, engineMustNotRun));

    expect(outcomes).toEqual(["invalid"]);
    expect(await listKeys(clients.s3, pipeline.outputBucket, "results/")).toEqual([]);
    expect(await drainQueue(clients.sqs, pipeline.deadLetterQueueUrl)).toHaveLength(1);
    const [notice] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notice?.Message).toMatch(/names bucket "models-[^"]+"; this worker reads uploads only from "input-/);
  });
});

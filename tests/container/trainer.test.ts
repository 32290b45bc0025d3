import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import { encodeWav } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import { createTestPipeline, drainNotifications, listKeys, motoClients, type TestPipeline } from "../support/aws.ts";

// The training task's entry point as a real process (the container's command for a training run) against
// moto: songs under training/<set>/ of the models bucket in, a candidate model and its report under
// models/candidates/<id>/ out, and one email either way.
const ROOT = resolve(import.meta.dirname, "../..");

let clients: AwsClients;
let workDir: string;
beforeAll(async () => {
  clients = motoClients(inject("motoEndpoint"));
  workDir = await mkdtemp(join(tmpdir(), "harmonizer-trainer-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function uploadTrainingSet(pipeline: TestPipeline, set: string, songs: number): Promise<void> {
  for (let n = 0; n < songs; n++) {
    const song = synthesizeSong({ seconds: 36, sampleRate: 22_050, channels: 1, seed: 70 + n });
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: pipeline.modelsBucket,
        Key: `training/${set}/song-${n}.wav`,
        Body: encodeWav(song, 16),
      }),
    );
  }
}

/** Runs container/trainer/main.ts to its end; resolves with its exit code and output. */
function runTrainer(
  pipeline: TestPipeline,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "container/trainer/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ENDPOINT_URL: inject("motoEndpoint"),
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      MODELS_BUCKET: pipeline.modelsBucket,
      TOPIC_ARN: pipeline.topicArn,
      WORK_DIR: workDir,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.once("close", (code) => done({ code, output })));
}

const newPipeline = () => createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });

describe("training task (container/trainer/main.ts, moto)", () => {
  it("trains a conductor on training/<set>/, writes the candidate and its report, and emails how to promote it", async () => {
    const pipeline = await newPipeline();
    await uploadTrainingSet(pipeline, "tiny", 4);

    const { code, output } = await runTrainer(pipeline, {
      TRAINING_SET: "tiny",
      CANDIDATE_ID: "tiny-1",
      TRAIN_ARGS: "--preset conductor --epochs 2 --backend cpu",
    });
    expect(code, output).toBe(0);

    const keys = await listKeys(clients.s3, pipeline.modelsBucket, "models/candidates/tiny-1/");
    const files = keys.map((key) => key.slice("models/candidates/tiny-1/".length));
    expect(files).toEqual(expect.arrayContaining(["harmonizer.json", "model.json", "training-report.json"]));
    expect(files.some((file) => file.endsWith(".bin"))).toBe(true);
    expect(files.filter((file) => file.startsWith("checkpoint/"))).toEqual([]);
    expect(await listKeys(clients.s3, pipeline.modelsBucket, "models/current/")).toEqual([]);

    const { Body } = await clients.s3.send(
      new GetObjectCommand({ Bucket: pipeline.modelsBucket, Key: "models/candidates/tiny-1/training-report.json" }),
    );
    const report = JSON.parse(await Body!.transformToString());
    expect(report).toMatchObject({ kind: "conductor", preset: "conductor" });
    expect(report.history).toHaveLength(2);

    const [notice, ...more] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(more).toEqual([]);
    expect(notice?.Subject).toBe("Training run tiny-1 finished");
    expect(notice?.MessageAttributes?.kind?.Value).toBe("training");
    expect(notice?.Message).toContain("preset conductor, 2 epochs");
    expect(notice?.Message).toContain(
      `aws s3 sync s3://${pipeline.modelsBucket}/models/candidates/tiny-1/ s3://${pipeline.modelsBucket}/models/current/ --delete`,
    );
  });

  it("emails a failure naming the empty prefix, writes no candidate and exits 1", async () => {
    const pipeline = await newPipeline();
    const { code, output } = await runTrainer(pipeline, { TRAINING_SET: "missing", CANDIDATE_ID: "none-1" });
    expect(code, output).toBe(1);
    expect(await listKeys(clients.s3, pipeline.modelsBucket, "models/candidates/")).toEqual([]);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notices.map((notice) => notice.Subject)).toEqual(["Training run none-1 failed"]);
    expect(notices[0]?.Message).toContain(`s3://${pipeline.modelsBucket}/training/missing/ holds no objects`);
  });

  it("emails the CLI's own error when training fails, and never overwrites an existing candidate", async () => {
    const pipeline = await newPipeline();
    await uploadTrainingSet(pipeline, "short", 1);
    const failed = await runTrainer(pipeline, {
      TRAINING_SET: "short",
      CANDIDATE_ID: "short-1",
      TRAIN_ARGS: "--preset no-such-preset",
    });
    expect(failed.code, failed.output).toBe(1);
    const [failure] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(failure?.Message).toMatch(/harmonizer train .* exited with code [1-9][\s\S]*no-such-preset/);

    await clients.s3.send(
      new PutObjectCommand({ Bucket: pipeline.modelsBucket, Key: "models/candidates/taken/model.json", Body: "{}" }),
    );
    const refused = await runTrainer(pipeline, { TRAINING_SET: "short", CANDIDATE_ID: "taken" });
    expect(refused.code).toBe(1);
    const [notice] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    expect(notice?.Message).toContain("models/candidates/taken/ already holds a candidate");
  });

  it("refuses a TRAIN_ARGS that sets --out, before touching S3 (exit 2)", async () => {
    const pipeline = await newPipeline();
    const { code, output } = await runTrainer(pipeline, { TRAINING_SET: "tiny", TRAIN_ARGS: "--out /tmp/elsewhere" });
    expect(code).toBe(2);
    expect(output).toContain("TRAIN_ARGS may not contain --out");
    expect(await drainNotifications(clients.sqs, pipeline.notificationQueueUrl)).toEqual([]);
  });
});

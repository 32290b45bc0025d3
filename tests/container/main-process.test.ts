import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { createTestPipeline, motoClients } from "../support/aws.ts";

// The container's CMD as a real process: configuration from the environment only (AWS_ENDPOINT_URL
// points the SDK at moto), long-polling an empty queue, then SIGTERM. It must stop promptly and cleanly.
const ROOT = resolve(import.meta.dirname, "../..");

describe("worker process (container/worker/main.ts)", () => {
  it("polls via AWS_ENDPOINT_URL and exits 0 soon after SIGTERM", async () => {
    const endpoint = inject("motoEndpoint");
    const pipeline = await createTestPipeline(motoClients(endpoint), {
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 3,
    });
    const child = spawn(process.execPath, ["--import", "tsx", "container/worker/main.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        QUEUE_NAME: pipeline.jobQueueUrl.split("/").at(-1),
        OUTPUT_BUCKET: pipeline.outputBucket,
        TOPIC_ARN: pipeline.topicArn,
        WAIT_TIME_SECONDS: "20",
        MAX_UPLOAD_BYTES: "1000000",
        MAX_INPUT_SECONDS: "600",
        MAX_TARGET_SECONDS: "3600",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));

    // Started means: queue URL resolved through moto, engine loaded, about to long-poll for 20 s.
    const startedBy = Date.now() + 60_000;
    while (!output.includes('"message":"worker started"') && child.exitCode === null && Date.now() < startedBy) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(child.exitCode, output).toBeNull();
    expect(output).toContain(pipeline.jobQueueUrl);
    await new Promise((done) => setTimeout(done, 500));
    const signalledAt = Date.now();
    child.kill("SIGTERM");
    const code = await exited;

    expect(code, output).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000); // the 20 s long poll was cut short
    expect(output).toMatch(/"message":"stop signal received"/);
    expect(output).toMatch(/"message":"worker stopped"/);
  });
});

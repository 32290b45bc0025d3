import { type ChildProcess, spawn } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createTestPipeline, motoClients } from "../support/aws.ts";

// The container's CMD as a real process: configuration from the environment only (AWS_ENDPOINT_URL
// points the SDK at moto), long-polling an empty queue, then SIGTERM. It must stop promptly and cleanly.
// No sleeps and no clock: a proxy in front of moto holds the worker's ReceiveMessage open for ever, so the
// worker can only stop if SIGTERM aborts that poll (the SDK sets no request timeout of its own).
const ROOT = resolve(import.meta.dirname, "../..");

interface HoldingProxy {
  readonly url: string;
  /** Resolves when the worker's first ReceiveMessage arrives (it is then inside its long poll). */
  readonly pollStarted: Promise<void>;
  /** Resolves when the worker closes the connection of the held poll. */
  readonly pollClosed: Promise<void>;
  readonly server: Server;
}

/** Forwards every request to `target` except SQS ReceiveMessage, which it never answers. */
async function holdingProxy(target: string): Promise<HoldingProxy> {
  let started = () => {};
  let closed = () => {};
  const pollStarted = new Promise<void>((done) => (started = done));
  const pollClosed = new Promise<void>((done) => (closed = done));
  const server = createServer((incoming, outgoing) => {
    if (String(incoming.headers["x-amz-target"]).endsWith(".ReceiveMessage")) {
      outgoing.once("close", closed);
      started();
      return;
    }
    const upstream = request(
      new URL(incoming.url ?? "/", target),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.once("error", (error) => outgoing.destroy(error));
    incoming.pipe(upstream);
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, pollStarted, pollClosed, server };
}

let proxy: HoldingProxy | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  // A worker that failed the test may still be waiting on its held poll.
  if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  proxy?.server.closeAllConnections();
  proxy?.server.close();
});

describe("worker process (container/worker/main.ts)", () => {
  it("polls via AWS_ENDPOINT_URL and, on SIGTERM, cuts its long poll short and exits 0", async () => {
    const endpoint = inject("motoEndpoint");
    const pipeline = await createTestPipeline(motoClients(endpoint), {
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 3,
    });
    proxy = await holdingProxy(endpoint);
    child = spawn(process.execPath, ["--import", "tsx", "container/worker/main.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ENDPOINT_URL: proxy.url,
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
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // "close" comes after the output pipes are drained, so every log line is in `output` by then.
    const exited = new Promise<number | null>((done) => child?.once("close", (code) => done(code)));

    // Started means: queue URL resolved through the proxy, engine loaded, and the long poll in flight.
    const exitedEarly = exited.then((code) => {
      throw new Error(`the worker exited (code ${code}) before it polled:\n${output}`);
    });
    await Promise.race([proxy.pollStarted, exitedEarly]);

    child.kill("SIGTERM");
    const code = await exited;
    await proxy.pollClosed; // the worker dropped the poll it was waiting on
    expect(code, output).toBe(0);
    expect(output).toMatch(/"message":"worker started".*"queueUrl":"[^"]*\/\d+\/[^"]+"/);
    expect(output).toContain(pipeline.jobQueueUrl.split("/").at(-1));
    expect(output).toMatch(/"message":"stop signal received"/);
    expect(output).toMatch(/"message":"worker stopped".*"shutdown":true/);
  });
});

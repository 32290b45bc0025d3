/**
 * Upload -> email on the local pipeline (moto): the time of each stage for one song, extended to 10 minutes.
 *
 *   npx tsx scripts/bench-pipeline.ts [--song FILE] [--to 10m]
 *
 * Starts moto on 127.0.0.1, builds the test pipeline (buckets, queues, topic with an SQS subscriber), uploads the
 * song, hands its S3 event to the real validator, runs the real worker loop with the engine in a worker thread (as
 * the container does; WASM/CPU here, no GPU) and waits for the email on the topic's queue. Prints each stage's
 * seconds, the worker process's peak resident memory and the load average. What moto cannot show (the SQS-driven scale-out of a GPU instance, its boot and the
 * image pull) is estimated in docs/cloud-latency.md from AWS's published figures.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { Command } from "commander";
import type { RunExtensionJob } from "../container/worker/deps.ts";
import { threadedRunJob } from "../container/worker/engine-thread.ts";
import { runWorker } from "../container/worker/worker.ts";
import { createTestPipeline, drainNotifications, drainS3Events, motoClients } from "../tests/support/aws.ts";
import { startMoto } from "../tests/support/moto.ts";
import { testValidator, testWorkerDeps } from "../tests/integration/harness.ts";

/** A 3:04 Ogg Vorbis from outside the training corpus (Debian's frozen-bubble-data). */
const DEFAULT_SONG = "/work/music/root/usr/share/games/frozen-bubble/snd/frozen-mainzik-2p.ogg";

/** The stack's default target limit (maxTargetMinutes 600), not the tests' 1 hour. */
const DEPLOYED_TARGET_LIMIT = { MAX_TARGET_SECONDS: String(600 * 60) };

async function main(): Promise<void> {
  const options = new Command()
    .option("--song <file>", "the song to upload", DEFAULT_SONG)
    .option("--to <length>", "the target (a folder name the validator reads: 10m, 1h, x2)", "10m")
    .parse()
    .opts<{ song: string; to: string }>();
  const moto = await startMoto();
  const stages: [string, number][] = [];
  try {
    const clients = motoClients(moto.endpoint);
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 1800, maxReceiveCount: 3 });
    const body = readFileSync(options.song);
    let t = performance.now();
    const lap = (stage: string) => {
      const now = performance.now();
      stages.push([stage, (now - t) / 1000]);
      t = now;
    };
    const key = `${options.to}/${basename(options.song)}`;
    await clients.s3.send(new PutObjectCommand({ Bucket: pipeline.inputBucket, Key: key, Body: body }));
    lap("upload to the input bucket");
    let events: unknown[] = [];
    while (events.length === 0)
      events = (await drainS3Events(clients.sqs, pipeline.triggerQueueUrl)).filter(hasRecords);
    lap("S3 event delivered");
    const validator = testValidator(clients, pipeline, DEPLOYED_TARGET_LIMIT);
    const outcomes = (await Promise.all(events.map((event) => validator(event)))).flat();
    if (outcomes[0]?.status !== "accepted") throw new Error(`not accepted: ${JSON.stringify(outcomes)}`);
    lap("validator (head, probe, checks, job queued)");
    const engine = threadedRunJob();
    let engineSeconds = 0;
    const timedEngine: RunExtensionJob = async (input, cancel) => {
      lap("worker: receive, claim, download the upload, load the model");
      const started = performance.now();
      const output = await engine(input, cancel);
      engineSeconds = (performance.now() - started) / 1000;
      lap("engine (decode, extend to the target, measure, picture, encode)");
      return output;
    };
    const deps = {
      ...testWorkerDeps(clients, pipeline, timedEngine, DEPLOYED_TARGET_LIMIT),
      queueUrl: pipeline.jobQueueUrl,
    };
    const run = await runWorker(deps, { shutdown: new AbortController().signal, graceMs: 0, maxMessages: 1 });
    lap("worker: upload the results, the page, the email");
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    lap("email on the topic's subscriber queue");
    const total = stages.reduce((sum, [, seconds]) => sum + seconds, 0);
    const input = outcomes[0].job.input;
    console.log(
      `song: ${options.song} (${(body.length / 1048576).toFixed(1)} MB, ${input.seconds.toFixed(1)} s), key ${key}`,
    );
    console.log(
      `outcome: ${run.outcomes.join(", ")}; notices: ${notices.map((n) => n.MessageAttributes?.kind?.Value).join(", ")}`,
    );
    for (const [stage, seconds] of stages) console.log(`${seconds.toFixed(2).padStart(8)} s  ${stage}`);
    console.log(`${total.toFixed(2).padStart(8)} s  upload -> email (engine ${engineSeconds.toFixed(1)} s of it)`);
    // The worker and its engine thread share this process, as in the container: its peak is the task's memory need.
    console.log(`peak resident memory of the worker process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    console.log(
      `load average (1, 5, 15 min): ${loadavg()
        .map((x) => x.toFixed(2))
        .join(", ")}`,
    );
  } finally {
    await moto.stop();
  }
}

const hasRecords = (event: unknown): boolean =>
  typeof event === "object" && event !== null && Array.isArray((event as { Records?: unknown }).Records);

await main();

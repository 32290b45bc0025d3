import { describe, expect, it } from "vitest";
import type { ExtensionJobInput } from "../../engine/job.ts";
import { threadedRunJob } from "../../container/worker/engine-thread.ts";
import { startHeartbeat } from "../../container/worker/heartbeat.ts";
import { quietLogger } from "../integration/harness.ts";

const busyEngine = threadedRunJob({ entry: new URL("./fixtures/busy-engine.ts", import.meta.url) });
const job = (extra: Record<string, unknown>) =>
  ({ bytes: new Uint8Array(8), targetSeconds: 30, ...extra }) as unknown as ExtensionJobInput;

describe("the engine runs in a worker thread (issue 10, point 3)", () => {
  it("keeps the worker's timers (heartbeat, task protection, SIGTERM) running while the engine computes", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const progress: number[] = [];
    const output = await busyEngine(job({ busyMs: 1_500, onProgress: (done: number) => progress.push(done) }));
    clearInterval(timer);
    expect(output.report).toMatchObject({ output: { seconds: 30 } });
    expect(progress).toEqual([0]);
    // In the worker's own thread, 1.5 s of computing would have let no timer fire at all.
    expect(ticks).toBeGreaterThan(0);
  });

  it("stops an engine that never yields when the job is cancelled (abandon or deadline), then runs the next job in a fresh thread", async () => {
    const engine = threadedRunJob({ entry: new URL("./fixtures/busy-engine.ts", import.meta.url) });
    const first = await engine(job({ busyMs: 0 }));
    const second = await engine(job({ busyMs: 0 }));
    expect([first.report, second.report]).toMatchObject([{ jobsInThisThread: 1 }, { jobsInThisThread: 2 }]); // one thread, reused
    const cancel = new AbortController();
    const running = engine(
      job({ forever: true, onProgress: () => cancel.abort(new Error("deadline")) }),
      cancel.signal,
    );
    await expect(running).rejects.toThrow("deadline");
    expect((await engine(job({ busyMs: 0 }))).report).toMatchObject({ jobsInThisThread: 1 }); // the stuck thread is gone
  });

  it("runs the real engine's refusals through as input errors with their code", async () => {
    const real = threadedRunJob();
    const error = await real({ bytes: new TextEncoder().encode("not audio at all"), targetSeconds: 30 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: "HarmonizerInputError", code: "NOT_AUDIO" });
  });
});

describe("visibility heartbeat", () => {
  it("never shortens the visibility: the first beat keeps the queue's 1,800 s instead of cutting it to 600 s", async () => {
    const sent: number[] = [];
    const sqs = {
      send: async (command: { input: { VisibilityTimeout: number } }) =>
        void sent.push(command.input.VisibilityTimeout),
    };
    let now = 1_000_000;
    const heartbeat = await startHeartbeat(
      sqs as never,
      "https://queue",
      "receipt",
      { extendSeconds: 600, intervalSeconds: 3_600, invisibleUntil: now + 1_800_000, now: () => now },
      quietLogger(),
    );
    heartbeat.stop();
    expect(sent).toEqual([1_800]);
    now += 1_500_000; // 300 s of the 1,800 left: the next beat extends to the full 600 s again
    const later = await startHeartbeat(
      sqs as never,
      "https://queue",
      "receipt",
      { extendSeconds: 600, intervalSeconds: 3_600, invisibleUntil: 1_000_000 + 1_800_000, now: () => now },
      quietLogger(),
    );
    later.stop();
    expect(sent).toEqual([1_800, 600]);
  });
});

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { encodeSegment, type SegmentJob, type SegmentResult } from "./segment-job.ts";

/**
 * `count` encoders of segments: this thread and count - 1 threads (`node:worker_threads`), each taking one job at a
 * time from a shared queue (the threads first; this one when they are all busy). This thread encodes too because each
 * thread costs about 30 MB (its V8 isolate and the codec's WebAssembly memory) while this one is mostly waiting.
 * Threads start on first use and load the codec once each; stop() ends them.
 */
export interface EncodeThreads {
  readonly count: number;
  run(job: SegmentJob): Promise<SegmentResult>;
  stop(): Promise<void>;
}

const BOOT = new URL("../../threads/boot.mjs", import.meta.url);
const ENTRY = new URL("./segment-thread-main.ts", import.meta.url);

/** The default number of encoding threads: one per core the process may use. */
export const defaultEncodeThreads = (): number => availableParallelism();

interface Pending {
  readonly id: number;
  readonly job: SegmentJob;
  readonly resolve: (result: SegmentResult) => void;
  readonly reject: (error: Error) => void;
}

export function startEncodeThreads(count: number): EncodeThreads {
  const queue: Pending[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const workers: Worker[] = [];
  let nextId = 0;
  let failure: Error | undefined;
  let localBusy = false;

  const runHere = (task: Pending) => {
    localBusy = true;
    encodeSegment(task.job)
      .then(task.resolve, (error: Error) => task.reject(new Error(`encoding a segment failed: ${error.message}`)))
      .finally(() => {
        localBusy = false;
        dispatch();
      });
  };
  const dispatch = () => {
    while (queue.length > 0 && (idle.length > 0 || workers.length < count - 1 || !localBusy)) {
      if (idle.length === 0 && workers.length >= count - 1) {
        runHere(queue.shift()!);
        continue;
      }
      const worker = idle.pop() ?? spawn();
      const task = queue.shift()!;
      busy.set(worker, task);
      const buffers = task.job.channels.map((channel) => channel.buffer as ArrayBuffer);
      worker.postMessage({ id: task.id, job: task.job }, buffers);
    }
  };
  const fail = (error: Error) => {
    failure ??= error;
    for (const task of [...busy.values(), ...queue.splice(0)]) task.reject(failure);
    busy.clear();
  };
  function spawn(): Worker {
    const worker = new Worker(BOOT, { workerData: { entry: ENTRY.href } });
    workers.push(worker);
    worker.on("message", (reply: { id: number; result?: SegmentResult; error?: string }) => {
      const task = busy.get(worker);
      if (task === undefined || task.id !== reply.id) return;
      busy.delete(worker);
      idle.push(worker);
      if (reply.error !== undefined) task.reject(new Error(`an encoding thread failed: ${reply.error}`));
      else task.resolve(reply.result!);
      dispatch();
    });
    worker.on("error", (error) => fail(new Error(`an encoding thread failed: ${error.message}`)));
    worker.on("exit", (code) => {
      if (busy.has(worker)) fail(new Error(`an encoding thread exited (code ${code}) in the middle of a segment`));
    });
    return worker;
  }

  return {
    count,
    run: (job) =>
      new Promise<SegmentResult>((resolve, reject) => {
        if (failure) return reject(failure);
        queue.push({ id: nextId++, job, resolve, reject });
        dispatch();
      }),
    stop: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * Runs the engine in a `node:worker_threads` thread, so that the worker's event loop stays free while it
 * computes: the visibility heartbeat, ECS task protection and SIGTERM handling keep working during a job, and
 * an abandoned or overdue job is stopped by terminating its thread. The thread lives from job to job (the
 * model and the TensorFlow backend load once); after a terminated job the next job starts a fresh one.
 */
import { Worker } from "node:worker_threads";
import { HarmonizerInputError, type InputErrorCode } from "../../engine/errors.ts";
import type { RunExtensionJob } from "./deps.ts";
import { type SinkRequest, serveSinkRequest } from "./thread-sinks.ts";

/** Messages from the thread (engine-thread-main.ts). */
export type ThreadMessage =
  | { readonly type: "progress"; readonly done: number; readonly total: number }
  | { readonly type: "done"; readonly output: Omit<Awaited<ReturnType<RunExtensionJob>>, "audio"> }
  | { readonly type: "error"; readonly name: string; readonly message: string; readonly code?: InputErrorCode }
  | SinkRequest;

export interface EngineThreadOptions {
  /** The thread's TypeScript module; tests pass a stand-in. */
  readonly entry?: URL;
}

const DEFAULT_ENTRY = new URL("./engine-thread-main.ts", import.meta.url);
/** Registers tsx in the thread, then imports `entry` (loader hooks are per thread). */
const BOOT = new URL("./engine-thread-boot.mjs", import.meta.url);

export function threadedRunJob(options: EngineThreadOptions = {}): RunExtensionJob {
  let thread: Worker | undefined;
  const start = (): Worker => {
    const worker = new Worker(BOOT, { workerData: { entry: (options.entry ?? DEFAULT_ENTRY).href } });
    worker.unref(); // an idle engine thread must not keep the process alive
    worker.on("exit", () => {
      if (thread === worker) thread = undefined;
    });
    worker.on("error", () => {}); // reported to the job in hand by its own listener
    return worker;
  };
  return (input, cancel) =>
    new Promise((resolve, reject) => {
      thread ??= start();
      const worker = thread;
      const { onProgress, sink, wavSink, ...rest } = input;
      // The sinks stay here (they hold S3 uploads); the thread's writes to them are relayed (thread-sinks.ts).
      const sinks = { sink, wavSink };
      const relayed = (["sink", "wavSink"] as const).filter((name) => sinks[name] !== undefined);
      const bytes =
        input.bytes.byteOffset === 0 && input.bytes.byteLength === input.bytes.buffer.byteLength
          ? input.bytes
          : input.bytes.slice();
      const settle = (action: () => void) => {
        worker.off("message", onMessage).off("error", fail).off("exit", onExit);
        cancel?.removeEventListener("abort", onCancel);
        worker.unref();
        action();
      };
      const fail = (error: unknown) =>
        settle(() => {
          if (thread === worker) thread = undefined;
          void worker.terminate();
          reject(error);
        });
      const onCancel = () => fail(cancel?.reason ?? new Error("the job was cancelled"));
      const onExit = (code: number) => fail(new Error(`the engine thread exited (code ${code}) without a result`));
      const onMessage = (message: ThreadMessage) => {
        if (message.type === "sink") {
          void serveSinkRequest(message, sinks, (reply) => worker.postMessage(reply));
        } else if (message.type === "progress") {
          try {
            onProgress?.(message.done, message.total);
          } catch (error) {
            fail(error);
          }
        } else if (message.type === "done") {
          // The decoded PCM stays in the thread: the worker only writes the files.
          settle(() => resolve(message.output as Awaited<ReturnType<RunExtensionJob>>));
        } else {
          // The engine refused or failed; the thread itself is fine and stays for the next job.
          settle(() => reject(threadError(message)));
        }
      };
      if (cancel?.aborted) return onCancel();
      cancel?.addEventListener("abort", onCancel, { once: true });
      worker.on("message", onMessage).on("error", fail).on("exit", onExit);
      worker.ref(); // while a job runs, its result is what the process waits for
      worker.postMessage({ ...rest, bytes, relayed }, [bytes.buffer as ArrayBuffer]);
    });
}

function threadError(message: Extract<ThreadMessage, { type: "error" }>): Error {
  if (message.code !== undefined) return new HarmonizerInputError(message.code, message.message);
  const error = new Error(message.message);
  error.name = message.name;
  return error;
}

/**
 * Runs the engine in a `node:worker_threads` thread, so that the worker's event loop stays free while it
 * computes: the visibility heartbeat, ECS task protection and SIGTERM handling keep working during a job, and
 * an abandoned or overdue job is stopped by terminating its thread.
 */
import { Worker } from "node:worker_threads";
import { HarmonizerInputError, type InputErrorCode } from "../../engine/errors.ts";
import type { ExtensionJobInput } from "../../engine/job.ts";
import type { RunExtensionJob } from "./process-message.ts";

/** Messages from the thread (engine-thread-main.ts). */
export type ThreadMessage =
  | { readonly type: "progress"; readonly done: number; readonly total: number }
  | { readonly type: "done"; readonly output: { wav: Uint8Array; picture: Uint8Array; report: unknown } }
  | { readonly type: "error"; readonly name: string; readonly message: string; readonly code?: InputErrorCode };

export interface EngineThreadOptions {
  /** The thread's TypeScript module; tests pass a stand-in. */
  readonly entry?: URL;
}

const DEFAULT_ENTRY = new URL("./engine-thread-main.ts", import.meta.url);
/** Registers tsx in the thread, then imports `entry` (loader hooks are per thread). */
const BOOT = new URL("./engine-thread-boot.mjs", import.meta.url);

/** The thread's input: everything but the callback, with the upload's bytes moved (not copied) into it. */
type ThreadInput = Omit<ExtensionJobInput, "onProgress">;

export function threadedRunJob(options: EngineThreadOptions = {}): RunExtensionJob {
  return (input, cancel) =>
    new Promise((resolve, reject) => {
      const { onProgress, ...rest } = input;
      const bytes = input.bytes.byteOffset === 0 && input.bytes.byteLength === input.bytes.buffer.byteLength ? input.bytes : input.bytes.slice();
      const workerData: ThreadInput & { entry: string } = { ...rest, bytes, entry: (options.entry ?? DEFAULT_ENTRY).href };
      const worker = new Worker(BOOT, { workerData, transferList: [bytes.buffer as ArrayBuffer] });
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        cancel?.removeEventListener("abort", onCancel);
        action();
      };
      const fail = (error: unknown) => settle(() => {
        void worker.terminate();
        reject(error);
      });
      const onCancel = () => fail(cancel?.reason ?? new Error("the job was cancelled"));
      if (cancel?.aborted) return onCancel();
      cancel?.addEventListener("abort", onCancel, { once: true });
      worker.on("message", (message: ThreadMessage) => {
        if (message.type === "progress") {
          try {
            onProgress?.(message.done, message.total);
          } catch (error) {
            fail(error);
          }
        } else if (message.type === "done") {
          settle(() => resolve(message.output as Awaited<ReturnType<RunExtensionJob>>));
          void worker.terminate();
        } else {
          fail(threadError(message));
        }
      });
      worker.on("error", fail);
      worker.on("exit", (code) => fail(new Error(`the engine thread exited (code ${code}) without a result`)));
    });
}

function threadError(message: Extract<ThreadMessage, { type: "error" }>): Error {
  if (message.code !== undefined) return new HarmonizerInputError(message.code, message.message);
  const error = new Error(message.message);
  error.name = message.name;
  return error;
}

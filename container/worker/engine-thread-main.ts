/** The engine thread (see engine-thread.ts): runs each job it is sent and posts progress and the result. */
import { parentPort } from "node:worker_threads";
import { isInputError } from "../../engine/errors.ts";
import { type ExtensionJobInput, runExtensionJob } from "../../engine/job.ts";
import type { ThreadMessage } from "./engine-thread.ts";
import { isSinkReply, relayedSink, settleSinkReply, type SinkName, type SinkReply } from "./thread-sinks.ts";

const post = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(message, transfer);

/** A job as posted: the input, and which of its sinks the main thread holds (their operations are relayed). */
export type ThreadJob = ExtensionJobInput & { readonly relayed?: readonly SinkName[] };

parentPort?.on("message", async (message: ThreadJob | SinkReply) => {
  if (isSinkReply(message)) return settleSinkReply(message);
  const { relayed = [], ...input } = message;
  const port = parentPort!;
  try {
    const output = await runExtensionJob({
      ...input,
      ...Object.fromEntries(relayed.map((name) => [name, relayedSink(port, name)])),
      onProgress: (done, total) => post({ type: "progress", done, total }),
    });
    // Everything but the decoded PCM (the worker writes files, it never needs samples; `audio` is not enumerable);
    // byte arrays are moved.
    const files = { ...output };
    // Only arrays that own their whole buffer are moved (a pooled Buffer's memory is shared, and copied instead).
    const owned = (value: unknown): value is Uint8Array =>
      value instanceof Uint8Array &&
      value.byteOffset === 0 &&
      value.byteLength === value.buffer.byteLength &&
      value.byteLength > 0;
    const buffers = [
      ...new Set(
        Object.values(files)
          .filter(owned)
          .map((value) => value.buffer as ArrayBuffer),
      ),
    ];
    const done = { type: "done", output: files as Extract<ThreadMessage, { type: "done" }>["output"] } as const;
    try {
      post(done, buffers);
    } catch {
      post(done); // a buffer that cannot be moved is copied
    }
  } catch (error) {
    post({
      type: "error",
      name: error instanceof Error ? error.name : "Error",
      message: error instanceof Error ? error.message : String(error),
      ...(isInputError(error) ? { code: error.code } : {}),
    });
  }
});

/** The engine thread (see engine-thread.ts): runs one job from workerData and posts progress and the result. */
import { parentPort, workerData } from "node:worker_threads";
import { isInputError } from "../../engine/errors.ts";
import { type ExtensionJobInput, runExtensionJob } from "../../engine/job.ts";
import type { ThreadMessage } from "./engine-thread.ts";

const post = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(message, transfer);

try {
  const input = workerData as ExtensionJobInput;
  const output = await runExtensionJob({ ...input, onProgress: (done, total) => post({ type: "progress", done, total }) });
  const { wav, picture, report } = output;
  post({ type: "done", output: { wav, picture, report } }, [wav.buffer as ArrayBuffer, picture.buffer as ArrayBuffer]);
} catch (error) {
  post({
    type: "error",
    name: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
    ...(isInputError(error) ? { code: error.code } : {}),
  });
}

/** The second thread (see measure-thread.ts): finds the beats and frame features of each original it is sent. */
import { parentPort } from "node:worker_threads";
import { analyseSignal } from "../analysis/beats.ts";
import type { ThreadMessage, ThreadReply } from "./measure-thread.ts";

const post = (message: ThreadReply) => parentPort?.postMessage(message);

parentPort?.on("message", ({ original }: ThreadMessage) => {
  try {
    post({ type: "analysis", analysis: analyseSignal(original) });
  } catch (error) {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
});

/** An encoding thread (see segment-threads.ts): encodes each segment it is sent and sends the result back. */
import { parentPort } from "node:worker_threads";
import { encodeSegment, type SegmentJob, transferablesOf } from "./segment-job.ts";

parentPort?.on("message", async ({ id, job }: { id: number; job: SegmentJob }) => {
  try {
    const result = await encodeSegment(job);
    parentPort?.postMessage({ id, result }, transferablesOf(result));
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});

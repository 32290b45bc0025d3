/** The measuring thread (see measure-thread.ts): analyses the original at once, then measures the result it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import type { PcmAudio } from "../audio/pcm.ts";
import type { SignalAnalysis } from "../analysis/beats.ts";
import { analyseOriginal, measureExtension } from "./measure.ts";
import type { ThreadReply, ThreadRequest } from "./measure-thread.ts";

const { original, shared } = workerData as { original: PcmAudio; shared?: SignalAnalysis };
const post = (message: ThreadReply) => parentPort?.postMessage(message);
// Runs while the engine extends the song in the main thread.
const reference = analyseOriginal(original, shared);

parentPort?.on("message", async (request: ThreadRequest) => {
  try {
    const report = await measureExtension(
      { ...request, original: reference.audio },
      {
        originalAnalysis: reference,
        onProgress: (done, total) => post({ type: "progress", done, total }),
      },
    );
    post({ type: "report", report });
  } catch (error) {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
});

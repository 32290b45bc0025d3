/**
 * The second thread (see input-thread.ts): finds the beats and frame features of each original it is sent, starting
 * on the samples a decode reports as it goes (signalAnalysisStream) when the original continues them.
 */
import { parentPort } from "node:worker_threads";
import { analyseSignal } from "./beats.ts";
import { signalAnalysisStream, type SignalAnalysisStream } from "./signal-stream.ts";
import type { ThreadMessage, ThreadReply } from "./input-thread.ts";
import { stage } from "../stages.ts";

const post = (message: ThreadReply) => parentPort?.postMessage(message);

let stream: SignalAnalysisStream | undefined;

parentPort?.on("message", (message: ThreadMessage) => {
  try {
    if (message.type === "decoded") {
      const { decoded, start } = message;
      if (start) {
        stage("input thread: first samples");
        stream = signalAnalysisStream(decoded.sampleRate, decoded.channels.length);
      }
      stream?.advance(decoded.channels, decoded.channels[0]?.length ?? 0);
      return;
    }
    stage("input thread: original received");
    const begun = message.continues ? stream : undefined;
    stream = undefined;
    const analysis = begun ? begun.finish(message.original) : analyseSignal(message.original);
    stage("input thread: analysis done");
    post({ type: "analysis", analysis });
  } catch (error) {
    // A failure on a decode's samples only loses the head start: the original is then analysed whole.
    if (message.type === "decoded") stream = undefined;
    else post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
});

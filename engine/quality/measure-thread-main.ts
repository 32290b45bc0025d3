/**
 * The measuring thread (see measure-thread.ts): analyses the original it is sent (its beats and frames first, for
 * the engine, unless they came with it), then measures each result it is sent against it.
 */
import { parentPort } from "node:worker_threads";
import { analyseSignal } from "../analysis/beats.ts";
import { analyseOriginal, measureExtension, type OriginalAnalysis } from "./measure.ts";
import type { ThreadMessage, ThreadOriginal, ThreadReply, ThreadRequest } from "./measure-thread.ts";
import type { SeamMetrics } from "./seams.ts";

const post = (message: ThreadReply) => parentPort?.postMessage(message);
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

let reference: OriginalAnalysis | undefined;
/** Why the original could not be analysed: every later request is answered with it. */
let failure: string | undefined;

function analyse({ original, shared, measure }: ThreadOriginal): void {
  // A thread may serve one job after another (see engine/batch.ts): nothing of the previous original stays.
  reference = undefined;
  failure = undefined;
  try {
    const analysis = shared ?? analyseSignal(original);
    if (!shared) post({ type: "analysis", analysis });
    // Runs while the engine extends the song in the main thread.
    if (measure) reference = analyseOriginal(original, analysis);
  } catch (error) {
    failure = describe(error);
    post({ type: "error", message: failure });
  }
}

/** Where the seam metrics measured in the main thread go when they arrive. */
let seamsArrived: ((metrics: SeamMetrics) => void) | undefined;

async function measure(request: ThreadRequest, seams?: Promise<SeamMetrics>): Promise<void> {
  try {
    if (!reference) throw new Error(failure ?? "no original was analysed");
    const report = await measureExtension(
      { ...request, original: reference.audio },
      {
        originalAnalysis: reference,
        seams,
        onProgress: (done, total) => post({ type: "progress", done, total }),
      },
    );
    post({ type: "report", report });
  } catch (error) {
    post({ type: "error", message: describe(error) });
  }
}

parentPort?.on("message", (message: ThreadMessage) => {
  if (message.type === "original") analyse(message);
  else if (message.type === "seams") seamsArrived?.(message.metrics);
  else {
    const { type: _, seamsBeside, ...request } = message;
    void measure(
      request,
      seamsBeside
        ? new Promise<SeamMetrics>((resolve) => {
            seamsArrived = resolve;
          })
        : undefined,
    );
  }
});

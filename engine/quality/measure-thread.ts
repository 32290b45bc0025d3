/**
 * measureExtension in a `node:worker_threads` thread, so that it runs beside the rest of a job on a second core: the
 * original's share of the analysis (blocks, loops, loudness) while the engine extends the song, the result's while
 * the job draws the picture and encodes. The audio is handed over in shared memory (one copy, no transfer).
 */
import { Worker } from "node:worker_threads";
import type { PcmAudio } from "../audio/pcm.ts";
import type { SignalAnalysis } from "../analysis/beats.ts";
import { measureExtension, type ExtensionToMeasure } from "./measure.ts";
import type { QualityReport } from "./report.ts";

/** What the main thread sends: the extension to measure (its original is the one the thread was started with). */
export type ThreadRequest = Omit<ExtensionToMeasure, "original">;
/** What the thread sends back. */
export type ThreadReply =
  | { readonly type: "progress"; readonly done: number; readonly total: number }
  | { readonly type: "report"; readonly report: QualityReport }
  | { readonly type: "error"; readonly message: string };

export interface MeasureThread {
  /** Measures `request` against the original; rejects when the thread fails or stops first. */
  measure(request: ThreadRequest, onProgress?: (done: number, total: number) => void): Promise<QualityReport>;
  /**
   * measure() with its fallback: measured in this thread (with a note in `notes`) if the measuring thread fails
   * before the job is done with it. `ms`: from this call to the report.
   */
  measureBeside(
    extension: ExtensionToMeasure,
    options: { readonly notes: string[]; readonly onProgress?: (done: number, total: number) => void },
  ): { report: Promise<QualityReport>; ms: Promise<number> };
  /** Ends the thread (call once done, or when the job fails); a pending measure() then rejects. */
  stop(): void;
  /** Whether stop() was called. */
  readonly stopped: boolean;
}

const BOOT = new URL("./thread-boot.mjs", import.meta.url);
const ENTRY = new URL("./measure-thread-main.ts", import.meta.url);

/** Starts the thread and its analysis of `original` (and of `shared`, the engine's analysis of it, when given). */
export function startMeasureThread(original: PcmAudio, shared?: SignalAnalysis): MeasureThread {
  const thread = spawn(original, shared);
  return {
    measure: thread.measure,
    stop: thread.stop,
    get stopped() {
      return thread.stopped;
    },
    measureBeside: (extension, { notes, onProgress }) => {
      const started = performance.now();
      const { original: _, ...request } = extension;
      const report = thread.measure(request, onProgress).catch((error: Error) => {
        // Stopped: the job failed elsewhere first, and nobody waits for a report.
        if (thread.stopped) throw error;
        notes.push(`the quality was measured in the main thread: ${error.message}`);
        return measureExtension(extension, { signalAnalysis: shared, onProgress });
      });
      // A failed report fails the job where it is awaited; when the job failed first, nobody awaits it: neither it
      // nor its timing may then fail again, unhandled.
      report.catch(() => {});
      const ms = report.then(
        () => Math.round(performance.now() - started),
        () => 0,
      );
      return { report, ms };
    },
  };
}

function spawn(original: PcmAudio, shared?: SignalAnalysis): Omit<MeasureThread, "measureBeside"> {
  const worker = new Worker(BOOT, { workerData: { entry: ENTRY.href, original: inSharedMemory(original), shared } });
  worker.unref();
  // Until measure() listens, a failure is only remembered: measure() then rejects with it.
  let failure: Error | undefined;
  let stopped = false;
  const remember = (error: Error) => {
    failure ??= error;
  };
  worker.on("error", remember);
  worker.on("exit", (code) => remember(new Error(`the measuring thread exited (code ${code})`)));
  return {
    measure: (request, onProgress) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const settle = (action: () => void) => {
          worker.off("message", onMessage).off("error", fail).off("exit", onExit);
          worker.unref();
          action();
        };
        const fail = (error: Error) => settle(() => reject(error));
        const onExit = (code: number) => fail(new Error(`the measuring thread exited (code ${code}) without a report`));
        const onMessage = (message: ThreadReply) => {
          if (message.type === "progress") onProgress?.(message.done, message.total);
          else if (message.type === "report") settle(() => resolve(message.report));
          else fail(new Error(`the measuring thread failed: ${message.message}`));
        };
        worker.on("message", onMessage).on("error", fail).on("exit", onExit);
        worker.ref(); // the report is what the caller waits for
        worker.postMessage({ ...request, result: inSharedMemory(request.result) } satisfies ThreadRequest);
      }),
    stop: () => {
      stopped = true;
      void worker.terminate();
    },
    get stopped() {
      return stopped;
    },
  };
}

/** The audio copied into SharedArrayBuffers: both threads read the same memory. */
function inSharedMemory(audio: PcmAudio): PcmAudio {
  return {
    sampleRate: audio.sampleRate,
    channels: audio.channels.map((channel) => {
      const shared = new Float32Array(new SharedArrayBuffer(channel.byteLength));
      shared.set(channel);
      return shared;
    }),
  };
}

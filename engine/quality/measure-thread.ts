/**
 * The job's second thread (`node:worker_threads`), so that analysis runs beside the rest of a job on a second core.
 * Started before the input is decoded (it loads its modules meanwhile), it is then handed the original: it finds
 * its beats and frame features (the analysis the engine waits for) while the main thread prepares the rest of the
 * extension, goes on with the original's share of the measurement (blocks, loops, loudness) while the engine
 * extends the song, and measures the result while the job draws the picture and encodes. Audio is handed over in
 * shared memory (one copy, no transfer).
 */
import { Worker } from "node:worker_threads";
import type { PcmAudio } from "../audio/pcm.ts";
import { analyseSignal, type SignalAnalysis } from "../analysis/beats.ts";
import type { ExtensionToMeasure } from "./measure.ts";
import type { QualityReport } from "./report.ts";
import type { SeamMetrics } from "./seams.ts";

/** What the main thread sends: the extension to measure (its original is the one the thread was started with). */
export type ThreadRequest = Omit<ExtensionToMeasure, "original" | "result"> & { readonly result: PcmAudio };
/** The original, sent once: with the engine's analysis of it when there is one, and whether to measure at all. */
export interface ThreadOriginal {
  readonly original: PcmAudio;
  readonly shared?: SignalAnalysis;
  readonly measure: boolean;
}
export type ThreadMessage =
  | ({ readonly type: "original" } & ThreadOriginal)
  /** seamsBeside: the seam metrics follow in a "seams" message (measured in the main thread meanwhile). */
  | ({ readonly type: "measure"; readonly seamsBeside?: boolean } & ThreadRequest)
  | { readonly type: "seams"; readonly metrics: SeamMetrics };
/** What the thread sends back. */
export type ThreadReply =
  | { readonly type: "analysis"; readonly analysis: SignalAnalysis }
  | { readonly type: "progress"; readonly done: number; readonly total: number }
  | { readonly type: "report"; readonly report: QualityReport }
  | { readonly type: "error"; readonly message: string };

export interface MeasureThread {
  /**
   * Hands the thread the original and resolves to its analysis (beats and frame features): `shared` itself when
   * given, else found in the thread. Then, unless `measure` is false, the thread analyses the original's share of
   * the measurement. Falls back to analysing in this thread when the thread fails first. Call once per job: a thread
   * that finished a job (its report or analysis received) may be handed the next job's original.
   */
  analyse(original: PcmAudio, options?: { shared?: SignalAnalysis; measure?: boolean }): Promise<SignalAnalysis>;
  /** Measures `request` against the original; rejects when the thread fails or stops first. */
  measure(request: ThreadRequest, onProgress?: (done: number, total: number) => void): Promise<QualityReport>;
  /** Ends the thread (call once done, or when the job fails); a pending measure() then rejects. */
  stop(): void;
  /** Whether stop() was called. */
  readonly stopped: boolean;
}

const BOOT = new URL("../threads/boot.mjs", import.meta.url);
const ENTRY = new URL("./measure-thread-main.ts", import.meta.url);

/** Starts the thread; it waits for analyse(). */
export function startMeasureThread(): MeasureThread {
  const thread = spawn();
  let shared: SignalAnalysis | undefined;
  return {
    analyse: async (original, options = {}) => {
      const message: ThreadMessage = {
        type: "original",
        original: inSharedMemory(original),
        shared: options.shared,
        measure: options.measure ?? true,
      };
      if (options.shared) {
        thread.post(message);
        shared = options.shared;
      } else {
        const reply = thread.ask(message, (r) => (r.type === "analysis" ? r.analysis : undefined));
        shared = await reply.catch(() => analyseSignal(original));
      }
      return shared;
    },
    measure: thread.measure,
    stop: thread.stop,
    get stopped() {
      return thread.stopped;
    },
  };
}

interface Spawned extends Pick<MeasureThread, "stop" | "stopped"> {
  /** MeasureThread.measure; with seamsBeside, the thread waits for a "seams" message to finish. */
  measure(
    request: ThreadRequest,
    onProgress?: (done: number, total: number) => void,
    seamsBeside?: boolean,
  ): Promise<QualityReport>;
  /** Posts `message`, expecting no reply (a failure shows in the next ask). */
  post(message: ThreadMessage): void;
  /** Posts `message` and resolves to the first reply `accept` maps to a value; rejects on an error reply or exit. */
  ask<T>(message: ThreadMessage, accept: (reply: ThreadReply) => T | undefined): Promise<T>;
}

function spawn(): Spawned {
  const worker = new Worker(BOOT, { workerData: { entry: ENTRY.href } });
  worker.unref();
  // Until a request listens, a failure is only remembered: the request then rejects with it.
  let failure: Error | undefined;
  let stopped = false;
  const remember = (error: Error) => {
    failure ??= error;
  };
  worker.on("error", remember);
  worker.on("exit", (code) => remember(new Error(`the measuring thread exited (code ${code})`)));
  // The thread keeps the process alive while any reply is awaited, and only then.
  let waiting = 0;
  const ask = <T>(message: ThreadMessage, accept: (reply: ThreadReply) => T | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      const settle = (action: () => void) => {
        worker.off("message", onMessage).off("error", fail).off("exit", onExit);
        if (--waiting === 0) worker.unref();
        action();
      };
      const fail = (error: Error) => settle(() => reject(error));
      const onExit = (code: number) => fail(new Error(`the measuring thread exited (code ${code}) without a reply`));
      const onMessage = (reply: ThreadReply) => {
        if (reply.type === "error") return fail(new Error(`the measuring thread failed: ${reply.message}`));
        const value = accept(reply);
        if (value !== undefined) settle(() => resolve(value));
      };
      worker.on("message", onMessage).on("error", fail).on("exit", onExit);
      if (waiting++ === 0) worker.ref();
      worker.postMessage(message);
    });
  return {
    ask,
    post: (message) => {
      if (!stopped) worker.postMessage(message);
    },
    measure: (request, onProgress, seamsBeside) =>
      ask({ type: "measure", ...request, seamsBeside, result: inSharedMemory(request.result) }, (reply) => {
        if (reply.type === "progress") onProgress?.(reply.done, reply.total);
        return reply.type === "report" ? reply.report : undefined;
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

/**
 * The audio in SharedArrayBuffers, so that both threads read the same memory: a shared channel that fills (nearly)
 * its whole buffer is kept as it is (a decoder's, engine/audio/sample-sink.ts), any other copied.
 */
export function inSharedMemory<T extends PcmAudio>(audio: T): T {
  if (audio.channels.every(isSharedWhole)) return audio;
  return {
    ...audio,
    channels: audio.channels.map((channel) => {
      if (isSharedWhole(channel)) return channel;
      const shared = new Float32Array(new SharedArrayBuffer(channel.byteLength));
      shared.set(channel);
      return shared;
    }),
  };
}

/** Shared, and no more than 64 KiB of its buffer left out (a decoder's first guess a little over the length). */
const isSharedWhole = (channel: Float32Array) =>
  channel.buffer instanceof SharedArrayBuffer && channel.buffer.byteLength - channel.byteLength <= 1 << 16;

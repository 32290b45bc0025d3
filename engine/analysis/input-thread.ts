/**
 * The job's second thread (`node:worker_threads`), so that the input's analysis runs beside the rest of a job's start
 * on a second core. Started before the input is decoded (it loads its modules meanwhile), it is then handed the
 * original and finds its beats and frame features (the analysis the engine waits for) while the main thread prepares
 * the rest of the extension. Audio is handed over in shared memory (one copy, no transfer). (The quality report is
 * measured in the main thread, from the result's stream: engine/job.ts.)
 */
import { Worker } from "node:worker_threads";
import type { PcmAudio } from "../audio/pcm.ts";
import { analyseSignal, type SignalAnalysis } from "./beats.ts";

/**
 * What the main thread sends: the input decoded so far (`start` on a decode's first), then the original to analyse,
 * which `continues` what was sent before it when its channels are the very buffers those samples were in.
 */
export type ThreadMessage =
  | { readonly type: "decoded"; readonly decoded: PcmAudio; readonly start: boolean }
  | { readonly type: "original"; readonly original: PcmAudio; readonly continues: boolean };
/** What the thread sends back. */
export type ThreadReply =
  | { readonly type: "analysis"; readonly analysis: SignalAnalysis }
  | { readonly type: "error"; readonly message: string };

export interface InputThread {
  /**
   * Resolves to the original's analysis (beats and frame features), found in the thread, or in this thread when the
   * thread fails first. A thread that answered may be handed the next job's original.
   */
  analyse(original: PcmAudio): Promise<SignalAnalysis>;
  /**
   * A decode's report of its samples so far (DecodeOptions.onSamples), for the thread to start the analysis on while
   * the rest decodes; a new function for each decode.
   */
  feeder(): (decoded: PcmAudio) => void;
  /** Ends the thread (call once done, or when the job fails). */
  stop(): void;
  /** Whether stop() was called. */
  readonly stopped: boolean;
}

const BOOT = new URL("../threads/boot.mjs", import.meta.url);
const ENTRY = new URL("./input-thread-main.ts", import.meta.url);

/** Starts the thread; it waits for analyse(). */
export function startInputThread(): InputThread {
  const thread = spawn();
  let fed: PcmAudio | undefined;
  return {
    analyse: (original) => {
      const shared = inSharedMemory(original);
      const message: ThreadMessage = { type: "original", original: shared, continues: continues(fed, shared) };
      fed = undefined;
      const reply = thread.ask(message, (r) => (r.type === "analysis" ? r.analysis : undefined));
      return reply.catch(() => analyseSignal(original));
    },
    feeder: () => {
      let start = true;
      return (decoded) => {
        if (thread.stopped) return;
        thread.post({ type: "decoded", decoded, start });
        start = false;
        fed = decoded;
      };
    },
    stop: thread.stop,
    get stopped() {
      return thread.stopped;
    },
  };
}

/** Whether `original` is the song `fed` was the start of: the same rate, and each channel the buffer fed from its start. */
function continues(fed: PcmAudio | undefined, original: PcmAudio): boolean {
  return (
    fed !== undefined &&
    fed.sampleRate === original.sampleRate &&
    fed.channels.length === original.channels.length &&
    original.channels.every((channel, c) => channel.byteOffset === 0 && channel.buffer === fed.channels[c]?.buffer)
  );
}

interface Spawned extends Pick<InputThread, "stop" | "stopped"> {
  /** Posts `message`, expecting no reply. */
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
  worker.on("exit", (code) => remember(new Error(`the input-analysis thread exited (code ${code})`)));
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
      const onExit = (code: number) =>
        fail(new Error(`the input-analysis thread exited (code ${code}) without a reply`));
      const onMessage = (reply: ThreadReply) => {
        if (reply.type === "error") return fail(new Error(`the input-analysis thread failed: ${reply.message}`));
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
      if (!failure) worker.postMessage(message);
    },
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

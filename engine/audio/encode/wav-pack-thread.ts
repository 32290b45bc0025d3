import { Worker } from "node:worker_threads";
import type { WavPackJob, WavPackReply } from "./wav-pack-thread-main.ts";

/**
 * A second thread that packs rendered blocks into WAV sample bytes (writeWavSamples), so that this thread renders
 * the next block meanwhile. Blocks travel by transfer, not copy: the rendered arrays go there and come back with
 * the bytes (and a bytes buffer may be sent along to be used again). Replies come in the order the blocks were sent.
 */
export interface WavPacker {
  pack(channels: Float32Array[], bytes?: ArrayBuffer): Promise<{ channels: Float32Array[]; bytes: Uint8Array }>;
  stop(): Promise<void>;
}

const BOOT = new URL("../../threads/boot.mjs", import.meta.url);
const ENTRY = new URL("./wav-pack-thread-main.ts", import.meta.url);

export function startWavPacker(depth: 16 | 24 | "32f"): WavPacker {
  const worker = new Worker(BOOT, { workerData: { entry: ENTRY.href } });
  const pending: { resolve: (reply: WavPackReply) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    for (const task of pending.splice(0)) task.reject(failure);
  };
  worker.on("message", (reply: WavPackReply | { error: string }) => {
    const task = pending.shift();
    if ("error" in reply) fail(new Error(`the WAV packing thread failed: ${reply.error}`));
    else task?.resolve(reply);
  });
  worker.on("error", (error) => fail(new Error(`the WAV packing thread failed: ${error.message}`)));
  worker.on("exit", (code) => {
    if (pending.length > 0) fail(new Error(`the WAV packing thread exited (code ${code}) with blocks to pack`));
  });
  return {
    pack: (channels, bytes) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        pending.push({ resolve, reject });
        const job: WavPackJob = { channels, depth, bytes };
        const transfer = [...channels.map((c) => c.buffer as ArrayBuffer), ...(bytes ? [bytes] : [])];
        worker.postMessage(job, transfer);
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}

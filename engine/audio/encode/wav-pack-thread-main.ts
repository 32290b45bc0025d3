/** The WAV packing thread (see wav-pack-thread.ts): packs each block it is sent and sends it back with the bytes. */
import { parentPort } from "node:worker_threads";
import { writeWavSamples } from "../wav-samples.ts";

export interface WavPackJob {
  readonly channels: Float32Array[];
  readonly depth: 16 | 24 | "32f";
  /** Room for the bytes, when one is handed back for use again. */
  readonly bytes?: ArrayBuffer;
}

export interface WavPackReply {
  readonly channels: Float32Array[];
  readonly bytes: Uint8Array;
}

parentPort?.on("message", ({ channels, depth, bytes }: WavPackJob) => {
  try {
    const packed = writeWavSamples(channels, depth, bytes);
    const reply: WavPackReply = { channels, bytes: packed };
    parentPort?.postMessage(reply, [...channels.map((c) => c.buffer as ArrayBuffer), packed.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});

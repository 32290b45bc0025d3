import { createMp3Encoder } from "wasm-media-encoders";
import { ENCODE_BLOCK_FRAMES, yieldToEventLoop } from "./bytes.ts";
import { splitMp3Frames, type Mp3Frames } from "./mp3-frames.ts";
import type { Mp3Setting } from "./mp3.ts";

/** One segment of an MP3 stream, encoded on its own from its first sample, taken apart frame by frame. */
export type Mp3Segment = Mp3Frames;

let reused: ReturnType<typeof createMp3Encoder> | undefined;

/**
 * The samples (at an MP3 rate) encoded by LAME as in encodeMp3Stream, then flushed: every frame, taken apart. One
 * encoder per thread, configured afresh for each segment (a new one each time would leave its WebAssembly memory,
 * tens of MB, to the garbage collector).
 */
export async function encodeMp3Segment(
  channels: readonly Float32Array[],
  sampleRate: number,
  setting: Mp3Setting,
): Promise<Mp3Segment> {
  reused ??= createMp3Encoder();
  const encoder = await reused;
  encoder.configure({
    sampleRate: sampleRate as 44100,
    channels: channels.length as 1 | 2,
    ...setting,
    outputSampleRate: sampleRate as 44100,
  });
  const length = channels[0]?.length ?? 0;
  const parts: Uint8Array[] = [];
  for (let start = 0; start < length; start += ENCODE_BLOCK_FRAMES) {
    const end = Math.min(length, start + ENCODE_BLOCK_FRAMES);
    parts.push(encoder.encode(channels.map((channel) => channel.subarray(start, end))).slice());
    await yieldToEventLoop(); // when this is the job's own thread, its progress and signals go on
  }
  parts.push(encoder.finalize().slice());
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return splitMp3Frames(bytes);
}

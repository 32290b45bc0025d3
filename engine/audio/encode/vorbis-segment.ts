import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createEncoder } from "wasm-media-encoders";
import { ENCODE_BLOCK_FRAMES, yieldToEventLoop } from "./bytes.ts";
import { oggPackets } from "./ogg-packets.ts";
import { isLongBlock, vorbisBlocks } from "./vorbis-blocks.ts";

/** One stretch of a Vorbis stream, encoded on its own by libvorbis, its Ogg pages taken apart into packets. */
export interface VorbisSegment {
  /** The three header packets (identification, comment, setup), back to back. */
  readonly headers: Uint8Array;
  /** Header i is headers[headerOffsets[i], headerOffsets[i + 1]). */
  readonly headerOffsets: Uint32Array;
  /** The audio packets, back to back; packet k is packets[offsets[k], offsets[k + 1]). */
  readonly packets: Uint8Array;
  readonly offsets: Uint32Array;
  /** 1 where packet k codes a long block. */
  readonly long: Uint8Array;
  /** Samples in a short and in a long block. */
  readonly shortBlock: number;
  readonly longBlock: number;
}

let compiled: WebAssembly.Module | undefined;
let wasm: Promise<Buffer> | undefined;

/**
 * A libvorbis instance of its own for each segment (its WebAssembly compiled once per thread), rather than one instance
 * configured again: wasm-media-encoders 0.7.0's `enc_free` clears the `vorbis_info` before the `vorbis_dsp_state`, so
 * `vorbis_dsp_clear` no longer knows the channel count or the setup and leaves the PCM buffers and the floor, residue
 * and psychoacoustic lookups allocated, about 1.1 MB of WebAssembly memory per configure that a long result's hundreds
 * of segments would pile up (tests/engine/audio/vorbis-segment-memory.test.ts). An instance's memory goes with it.
 */
async function newOggEncoder() {
  if (compiled) return createEncoder("audio/ogg", compiled);
  wasm ??= readFile(createRequire(import.meta.url).resolve("wasm-media-encoders/wasm/ogg"));
  return createEncoder("audio/ogg", await wasm, (module) => {
    compiled = module;
  });
}

/** Packets back to back with their offsets. */
function packed(packets: readonly Uint8Array[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(packets.length + 1);
  packets.forEach((packet, i) => {
    offsets[i + 1] = offsets[i]! + packet.length;
  });
  const bytes = new Uint8Array(offsets[packets.length]!);
  packets.forEach((packet, i) => {
    bytes.set(packet, offsets[i]!);
  });
  return { bytes, offsets };
}

/**
 * The samples encoded by libvorbis as encodeOggVorbisStream does (VBR `quality`), then flushed. libvorbis centres its
 * first block on the first sample, so block k of the result is centred at the segment's start plus the sum of the
 * half-overlaps before it (vorbis-blocks.ts).
 */
export async function encodeVorbisSegment(
  channels: readonly Float32Array[],
  sampleRate: number,
  quality: number,
): Promise<VorbisSegment> {
  const encoder = await newOggEncoder();
  encoder.configure({ sampleRate: sampleRate as 44100, channels: channels.length as 1 | 2, vbrQuality: quality });
  const length = channels[0]?.length ?? 0;
  const pages: Uint8Array[] = [];
  for (let start = 0; start < length; start += ENCODE_BLOCK_FRAMES) {
    const end = Math.min(length, start + ENCODE_BLOCK_FRAMES);
    pages.push(encoder.encode(channels.map((channel) => channel.subarray(start, end))).slice());
    await yieldToEventLoop(); // when this is the job's own thread, its progress and signals go on
  }
  pages.push(encoder.finalize().slice());
  const packets = oggPackets(packed(pages).bytes);
  if (packets.length < 3) throw new Error("libvorbis wrote fewer than its three header packets");
  const blocks = vorbisBlocks(packets[0]!, packets[2]!);
  const audio = packets.slice(3);
  const headers = packed(packets.slice(0, 3));
  const body = packed(audio);
  return {
    headers: headers.bytes,
    headerOffsets: headers.offsets,
    packets: body.bytes,
    offsets: body.offsets,
    long: Uint8Array.from(audio, (packet) => (isLongBlock(packet, blocks) ? 1 : 0)),
    shortBlock: blocks.sizes[0],
    longBlock: blocks.sizes[1],
  };
}

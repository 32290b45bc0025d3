import { createRequire } from "node:module";
import type { Flac } from "libflacjs";
import type { PcmAudio } from "../pcm.ts";
import { streamOf, type AudioStream } from "../stream.ts";
import { ENCODE_BLOCK_FRAMES, yieldToEventLoop, type EncodeProgress } from "./bytes.ts";
import { MemorySink, type OutputSink } from "./sink.ts";

/** libFLAC's default compression level (`flac -5`). */
export const FLAC_COMPRESSION_LEVEL = 5;

let library: Promise<Flac> | undefined;

/** libflac.js's WASM build, loaded once; it announces itself through a "ready" event. */
export function loadFlac(): Promise<Flac> {
  library ??= new Promise<Flac>((resolve, reject) => {
    const factory = createRequire(import.meta.url)("libflacjs") as (variant: string) => Flac;
    // Its Emscripten loader would fetch() the .wasm by path when fetch exists (Node 18+), which fails on a plain
    // path; without fetch it reads the file with node:fs. The check runs synchronously while the module loads.
    const savedFetch = globalThis.fetch;
    let flac: Flac;
    try {
      (globalThis as { fetch?: unknown }).fetch = undefined;
      flac = factory("release.wasm");
    } finally {
      globalThis.fetch = savedFetch;
    }
    if (flac.isReady()) resolve(flac);
    else flac.on("ready", () => resolve(flac));
    setTimeout(() => reject(new Error("libflac.js did not load within 30 s")), 30_000).unref();
  });
  return library;
}

/** Integer samples at the engine's scale (2^(bits-1), as decodeFlac and encodeWav use), clamped. */
export function toIntegers(channel: Float32Array, start: number, end: number, bits: number): Int32Array<ArrayBuffer> {
  const scale = 2 ** (bits - 1);
  const out = new Int32Array(end - start);
  for (let i = start; i < end; i++) {
    const value = Math.round(channel[i]! * scale);
    out[i - start] = value >= scale ? scale - 1 : Math.max(value, -scale);
  }
  return out;
}

/** "fLaC", the STREAMINFO block's header and STREAMINFO itself: the bytes patched at the end. */
export const STREAMINFO_END = 8 + 34;

/** Puts the final STREAMINFO (frame sizes, MD5) that libFLAC reports at the end into the header it wrote first. */
export function patchStreamInfo(
  file: Uint8Array,
  info: { min_framesize: number; max_framesize: number; md5sum: string },
): void {
  const base = 8; // "fLaC" + metadata block header
  const put24 = (offset: number, value: number) =>
    file.set([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff], base + offset);
  put24(4, info.min_framesize);
  put24(7, info.max_framesize);
  if (/^[0-9a-f]{32}$/i.test(info.md5sum)) {
    for (let i = 0; i < 16; i++) file[base + 18 + i] = parseInt(info.md5sum.slice(2 * i, 2 * i + 2), 16);
  }
}

/** encodeFlacStream into memory. */
export async function encodeFlac(audio: PcmAudio, bits: 16 | 24, onProgress?: EncodeProgress): Promise<Uint8Array> {
  const sink = new MemorySink();
  await encodeFlacStream(streamOf(audio), bits, sink, onProgress);
  return sink.bytes();
}

/**
 * FLAC (libFLAC 1.3 via libflac.js, level 5) at `bits` per sample (16 or 24). Lossless at that depth: a 16- or
 * 24-bit input written at its own depth decodes to the very same samples. STREAMINFO carries the exact length.
 */
export async function encodeFlacStream(
  audio: AudioStream,
  bits: 16 | 24,
  sink: OutputSink,
  onProgress?: EncodeProgress,
): Promise<void> {
  const flac = await loadFlac();
  const channelCount = audio.channelCount;
  if (channelCount < 1 || channelCount > 8) throw new RangeError(`FLAC carries 1 to 8 channels, not ${channelCount}`);
  const frames = audio.length;
  const encoder = flac.create_libflac_encoder(
    audio.sampleRate,
    channelCount,
    bits,
    FLAC_COMPRESSION_LEVEL,
    frames,
    false,
  );
  if (!encoder) throw new Error("libFLAC could not create an encoder");
  // libFLAC hands its bytes over synchronously: they are queued and written out between blocks.
  let queue: Uint8Array[] = [];
  const head = new Uint8Array(STREAMINFO_END);
  let written = 0;
  const drain = async () => {
    const chunks = queue;
    queue = [];
    for (const chunk of chunks) await sink.write(chunk);
  };
  let streamInfo: Parameters<typeof patchStreamInfo>[1] | undefined;
  try {
    const status = flac.init_encoder_stream(
      encoder,
      (data) => {
        if (written < STREAMINFO_END) head.set(data.subarray(0, STREAMINFO_END - written), written);
        written += data.length;
        queue.push(data.slice());
      },
      (metadata) => {
        if (metadata !== undefined) streamInfo = metadata;
      },
    );
    if (status !== 0) throw new Error(`libFLAC could not start encoding (init status ${status})`);
    for (let start = 0; start < frames; start += ENCODE_BLOCK_FRAMES) {
      const end = Math.min(frames, start + ENCODE_BLOCK_FRAMES);
      const blocks = audio.read(start, end).map((channel) => toIntegers(channel, 0, end - start, bits));
      if (!flac.FLAC__stream_encoder_process(encoder, blocks, end - start)) {
        throw new Error(`libFLAC failed while encoding (state ${flac.FLAC__stream_encoder_get_state(encoder)})`);
      }
      await drain();
      onProgress?.(end, frames);
      if (end < frames) await yieldToEventLoop();
    }
    if (!flac.FLAC__stream_encoder_finish(encoder)) throw new Error("libFLAC could not finish the stream");
    await drain();
  } finally {
    flac.FLAC__stream_encoder_delete(encoder);
  }
  if (streamInfo !== undefined && written >= STREAMINFO_END) {
    patchStreamInfo(head, streamInfo);
    await sink.patch(0, head);
  }
}

import { encodeWav } from "../encode-wav.ts";
import type { AudioStream } from "../stream.ts";
import { writeWavSamples } from "../wav-samples.ts";
import { yieldToEventLoop, type EncodeProgress } from "./bytes.ts";
import { startWavPacker, type WavPacker } from "./wav-pack-thread.ts";
import type { OutputSink } from "./sink.ts";

/** RIFF sizes are 32-bit: a larger file is written as RF64 (EBU Tech 3306), which ffmpeg, sox and DAWs read. */
const RIFF_LIMIT = 0xffff_ffff;

/** The header of a WAV holding `frames` frames: RIFF as wavefile writes it, or RF64 with a ds64 chunk when larger. */
export function wavHeader(
  sampleRate: number,
  channelCount: number,
  depth: 16 | 24 | "32f",
  frames: number,
  riffLimit = RIFF_LIMIT,
): Uint8Array {
  const riff = encodeWav(
    { sampleRate, channels: Array.from({ length: channelCount }, () => new Float32Array(0)) },
    depth,
  );
  const dataBytes = frames * channelCount * (depth === 16 ? 2 : depth === 24 ? 3 : 4);
  const riffBytes = riff.length - 8 + dataBytes;
  if (riffBytes <= riffLimit) {
    const view = new DataView(riff.buffer, riff.byteOffset, riff.byteLength);
    view.setUint32(4, riffBytes, true);
    view.setUint32(riff.length - 4, dataBytes, true);
    return riff;
  }
  const ds64 = 8 + 28;
  const header = new Uint8Array(riff.length + ds64);
  const view = new DataView(header.buffer);
  header.set([..."RF64"].map((c) => c.charCodeAt(0)));
  view.setUint32(4, 0xffff_ffff, true);
  header.set(riff.subarray(8, 12), 8); // "WAVE"
  header.set(
    [..."ds64"].map((c) => c.charCodeAt(0)),
    12,
  );
  view.setUint32(16, 28, true);
  view.setBigUint64(20, BigInt(riffBytes + ds64), true);
  view.setBigUint64(28, BigInt(dataBytes), true);
  view.setBigUint64(36, BigInt(frames), true);
  view.setUint32(44, 0, true); // no table of other chunk sizes
  header.set(riff.subarray(12), 12 + ds64); // fmt and the data chunk's header
  view.setUint32(header.length - 4, 0xffff_ffff, true);
  return header;
}

/**
 * Frames rendered and written per step: 1 MiB of 16-bit stereo, so a 10-hour WAV is about 6,000 writes instead of
 * 24,000, each large enough for the file system to take in one go.
 */
const WAV_BLOCK_FRAMES = 1 << 18;

/**
 * The stream as a WAV (see encodeWav for the depths), written window by window; RF64 past 4 GB. Each block is
 * rendered while the previous one is being packed and written (the sink's writes still come one after another): in
 * a second thread when `threads` is 2 or more and the result is two blocks or more, else here, rendering and the
 * file system's copy side by side. The bytes are the same either way. Default 1: with packing in a SIMD kernel the
 * thread no longer paid (docs/long-versions.md, "The picture off the 1 h WAV job's tail").
 */
export async function writeWavStream(
  stream: AudioStream,
  depth: 16 | 24 | "32f",
  sink: OutputSink,
  onProgress?: EncodeProgress,
  threads = 1,
): Promise<void> {
  if (stream.channelCount === 0) throw new RangeError("cannot write a WAV file with no channels");
  const header = sink.write(wavHeader(stream.sampleRate, stream.channelCount, depth, stream.length));
  if (threads < 2 || stream.length < 2 * WAV_BLOCK_FRAMES) await writeHere(stream, depth, sink, header, onProgress);
  else {
    const packer = startWavPacker(depth);
    try {
      await writeThroughPacker(stream, packer, sink, header, onProgress);
    } finally {
      await packer.stop();
    }
  }
  if (stream.length === 0) onProgress?.(0, 0);
}

async function writeHere(
  stream: AudioStream,
  depth: 16 | 24 | "32f",
  sink: OutputSink,
  header: Promise<void>,
  onProgress?: EncodeProgress,
): Promise<void> {
  let writing = header;
  // Two buffers in turn: one is being written while the next block is packed into the other.
  const blockBytes = WAV_BLOCK_FRAMES * stream.channelCount * (depth === 16 ? 2 : depth === 24 ? 3 : 4);
  const buffers = [new ArrayBuffer(blockBytes), new ArrayBuffer(blockBytes)];
  // And one room for the rendered block: it is packed into bytes before the next block is read.
  const rendered = Array.from({ length: stream.channelCount }, () => new Float32Array(WAV_BLOCK_FRAMES));
  for (let start = 0, turn = 0; start < stream.length; start += WAV_BLOCK_FRAMES, turn ^= 1) {
    // A failed write is reported by the await below, not as an unhandled rejection while this block renders.
    writing.catch(() => undefined);
    const end = Math.min(stream.length, start + WAV_BLOCK_FRAMES);
    const bytes = writeWavSamples(stream.read(start, end, rendered), depth, buffers[turn]);
    await writing;
    writing = sink.write(bytes);
    onProgress?.(end, stream.length);
    if (end < stream.length) await yieldToEventLoop();
  }
  await writing;
}

/** Blocks being packed at once: one in the packing thread's hands, the next waiting, while this one renders. */
const BLOCKS_IN_FLIGHT = 2;

async function writeThroughPacker(
  stream: AudioStream,
  packer: WavPacker,
  sink: OutputSink,
  header: Promise<void>,
  onProgress?: EncodeProgress,
): Promise<void> {
  // Failures are reported where each promise is awaited, not as unhandled rejections while a block renders.
  header.catch(() => undefined);
  let writing = header;
  const packing: Promise<{ channels: Float32Array[]; bytes: Uint8Array; end: number }>[] = [];
  const rooms: Float32Array[][] = [];
  const spareBytes: ArrayBuffer[] = [];
  let written: Uint8Array | undefined;
  // The oldest block packed, written once the block before it is.
  const writeOldest = async () => {
    const packed = await packing.shift()!;
    rooms.push(packed.channels.map((c) => new Float32Array(c.buffer)));
    await writing;
    // Used again once written (unless the sink moved it away).
    if (written && written.buffer.byteLength > 0) spareBytes.push(written.buffer as ArrayBuffer);
    written = packed.bytes;
    writing = sink.write(packed.bytes);
    writing.catch(() => undefined);
    onProgress?.(packed.end, stream.length);
  };
  for (let start = 0; start < stream.length; start += WAV_BLOCK_FRAMES) {
    while (packing.length >= BLOCKS_IN_FLIGHT) await writeOldest();
    const end = Math.min(stream.length, start + WAV_BLOCK_FRAMES);
    const room = rooms.pop() ?? Array.from({ length: stream.channelCount }, () => new Float32Array(WAV_BLOCK_FRAMES));
    const channels = stream.read(start, end, room);
    // The room travels to the packing thread; a stream that answered with arrays of its own is copied into it.
    const block = room.map((r, c) => {
      const view = r.subarray(0, end - start);
      if (channels[c]!.buffer !== r.buffer || channels[c]!.byteOffset !== 0) view.set(channels[c]!);
      return view;
    });
    const packed = packer.pack(block, spareBytes.pop()).then((reply) => ({ ...reply, end }));
    packed.catch(() => undefined);
    packing.push(packed);
  }
  while (packing.length > 0) await writeOldest();
  await writing;
}

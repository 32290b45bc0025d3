import { createOggEncoder } from "wasm-media-encoders";
import type { PcmAudio } from "../pcm.ts";
import { streamOf, type AudioStream } from "../stream.ts";
import { ENCODE_BLOCK_FRAMES, yieldToEventLoop, type EncodeProgress } from "./bytes.ts";
import { MemorySink, type OutputSink } from "./sink.ts";

/** libvorbis quality 6: about 192 kbit/s for stereo music (-q 5 is 160, -q 8 is 256). */
export const VORBIS_QUALITY = 6;

/** encodeOggVorbisStream into memory. */
export async function encodeOggVorbis(audio: PcmAudio, onProgress?: EncodeProgress): Promise<Uint8Array> {
  const sink = new MemorySink();
  await encodeOggVorbisStream(streamOf(audio), sink, onProgress);
  return sink.bytes();
}

/**
 * Ogg Vorbis (libvorbis, VBR `quality`, by default 6) at the audio's own rate. libvorbis sets the last page's granule
 * position to the number of samples given, which is how Vorbis decoders know where to stop: the length is exact.
 */
export async function encodeOggVorbisStream(
  audio: AudioStream,
  sink: OutputSink,
  onProgress?: EncodeProgress,
  quality: number = VORBIS_QUALITY,
): Promise<void> {
  const channelCount = audio.channelCount;
  if (channelCount < 1 || channelCount > 2)
    throw new RangeError(`this Vorbis encoder takes 1 or 2 channels, not ${channelCount}`);
  const frames = audio.length;
  const encoder = await createOggEncoder();
  encoder.configure({ sampleRate: audio.sampleRate, channels: channelCount as 1 | 2, vbrQuality: quality });
  for (let start = 0; start < frames; start += ENCODE_BLOCK_FRAMES) {
    const end = Math.min(frames, start + ENCODE_BLOCK_FRAMES);
    await sink.write(encoder.encode(audio.read(start, end)));
    onProgress?.(end, frames);
    if (end < frames) await yieldToEventLoop();
  }
  await sink.write(encoder.finalize());
}

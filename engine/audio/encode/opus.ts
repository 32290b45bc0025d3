import { Application, createEncoder, Signal } from "libopus-wasm";
import type { PcmAudio } from "../pcm.ts";
import { streamOf, type AudioStream } from "../stream.ts";
import { resampledStream } from "./polyphase.ts";
import { MemorySink, type OutputSink } from "./sink.ts";
import { yieldToEventLoop, type EncodeProgress } from "./bytes.ts";
import { OggStreamWriter } from "./ogg-writer.ts";

/** Opus always decodes at 48 kHz; the encoder is fed 48 kHz too. */
export const OPUS_RATE = 48_000;
const FRAME = 960; // 20 ms (OPUS_FRAME)
/** VBR target: 160 kbit/s for stereo music (transparent in listening tests), 96 kbit/s for mono. */
export const OPUS_BITRATE = { 1: 96_000, 2: 160_000 } as const;
const VENDOR = "Emotions Harmonizer (libopus via libopus-wasm)";

export function opusHead(channels: number, preSkip: number, inputRate: number): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set([..."OpusHead"].map((c) => c.charCodeAt(0)));
  head[8] = 1; // version
  head[9] = channels;
  view.setUint16(10, preSkip, true);
  view.setUint32(12, inputRate, true);
  view.setInt16(16, 0, true); // output gain
  head[18] = 0; // channel mapping family 0: mono or stereo
  return head;
}

export function opusTags(): Uint8Array {
  const vendor = new TextEncoder().encode(VENDOR);
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  const view = new DataView(tags.buffer);
  tags.set([..."OpusTags"].map((c) => c.charCodeAt(0)));
  view.setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  view.setUint32(12 + vendor.length, 0, true); // no user comments
  return tags;
}

/** encodeOggOpusStream into memory. */
export async function encodeOggOpus(audio: PcmAudio, onProgress?: EncodeProgress): Promise<Uint8Array> {
  const sink = new MemorySink();
  await encodeOggOpusStream(streamOf(audio), sink, onProgress);
  return sink.bytes();
}

/** Opus frames read from the source at a time. */
const FRAMES_PER_READ = 64;

/**
 * Ogg Opus (RFC 7845) at 48 kHz. The header's pre-skip is the encoder's lookahead, and the last page's granule
 * position is pre-skip + the sample count, so a conforming decoder drops the encoder's delay at the start and
 * its padding at the end: exactly round(n * 48000 / rate) samples come back.
 */
export async function encodeOggOpusStream(
  audio: AudioStream,
  sink: OutputSink,
  onProgress?: EncodeProgress,
  bitrate?: number,
): Promise<void> {
  const channelCount = audio.channelCount;
  if (channelCount < 1 || channelCount > 2)
    throw new RangeError(`Opus (mapping family 0) carries 1 or 2 channels, not ${channelCount}`);
  const source = await resampledStream(audio, OPUS_RATE);
  const frames = source.length;
  const encoder = await createEncoder({
    sampleRate: OPUS_RATE,
    channels: channelCount as 1 | 2,
    application: Application.Audio,
    signal: Signal.Music,
    bitrate: bitrate ?? OPUS_BITRATE[channelCount as 1 | 2],
    complexity: 10,
    vbr: true,
  });
  try {
    const preSkip = encoder.getLookahead();
    const writer = new OggStreamWriter(0x48524d5a);
    writer.writeHeaderPacket(opusHead(channelCount, preSkip, audio.sampleRate));
    writer.writeHeaderPacket(opusTags());
    const total = frames + preSkip; // the lookahead must be flushed out with zeros
    const pcm = new Float32Array(FRAME * channelCount);
    const span = FRAME * FRAMES_PER_READ;
    for (let block = 0; block < total; block += span) {
      const window = source.read(Math.min(frames, block), Math.min(frames, block + span));
      for (let start = block; start < Math.min(total, block + span); start += FRAME) {
        pcm.fill(0);
        const end = Math.min(frames, start + FRAME);
        for (let c = 0; c < channelCount; c++) {
          const channel = window[c]!;
          for (let i = start; i < end; i++) pcm[(i - start) * channelCount + c] = channel[i - block]!;
        }
        writer.writePacket(encoder.encodeFloat(pcm), Math.min(start + FRAME, total));
      }
      for (const page of writer.takePages()) await sink.write(page);
      if ((block / span) % 8 === 7) {
        onProgress?.(Math.min(frames, block + span), frames);
        await yieldToEventLoop();
      }
    }
    onProgress?.(frames, frames);
    await sink.write(writer.finish());
  } finally {
    encoder.free();
  }
}

import { Application, createEncoder, Signal } from "libopus-wasm";
import { yieldToEventLoop } from "./bytes.ts";

/** Samples per Opus packet here (20 ms at 48 kHz). */
export const OPUS_FRAME = 960;

/** One segment of an Opus stream, encoded on its own: its packets back to back. */
export interface OpusSegment {
  readonly packets: Uint8Array;
  /** Packet i is packets[offsets[i], offsets[i + 1]). */
  readonly offsets: Uint32Array;
  /** The encoder's lookahead (the stream's pre-skip). */
  readonly lookahead: number;
}

/** The encoder encodeOggOpusStream uses (48 kHz, music, VBR at `bitrate`, complexity 10). */
export function createOpusEncoder(channels: number, bitrate: number) {
  return createEncoder({
    sampleRate: 48_000,
    channels: channels as 1 | 2,
    application: Application.Audio,
    signal: Signal.Music,
    bitrate,
    complexity: 10,
    vbr: true,
  });
}

/**
 * The samples (48 kHz) as 20 ms Opus packets (the last one zero-filled); with `flush` (the stream's end), followed by
 * the encoder's lookahead in zeros, as encodeOggOpusStream does, so that the last samples come out.
 */
export async function encodeOpusSegment(
  channels: readonly Float32Array[],
  bitrate: number,
  flush: boolean,
): Promise<OpusSegment> {
  const encoder = await createOpusEncoder(channels.length, bitrate);
  try {
    const length = channels[0]?.length ?? 0;
    const total = length + (flush ? encoder.getLookahead() : 0);
    const count = channels.length;
    const pcm = new Float32Array(OPUS_FRAME * count);
    const packets: Uint8Array[] = [];
    for (let start = 0; start < total; start += OPUS_FRAME) {
      pcm.fill(0);
      const end = Math.min(length, start + OPUS_FRAME);
      for (let c = 0; c < count; c++) {
        const channel = channels[c]!;
        for (let i = start; i < end; i++) pcm[(i - start) * count + c] = channel[i]!;
      }
      packets.push(encoder.encodeFloat(pcm).slice());
      if (packets.length % 64 === 0) await yieldToEventLoop(); // see encodeMp3Segment
    }
    const offsets = new Uint32Array(packets.length + 1);
    packets.forEach((packet, i) => {
      offsets[i + 1] = offsets[i]! + packet.length;
    });
    const joined = new Uint8Array(offsets[packets.length]!);
    packets.forEach((packet, i) => {
      joined.set(packet, offsets[i]!);
    });
    return { packets: joined, offsets, lookahead: encoder.getLookahead() };
  } finally {
    encoder.free();
  }
}

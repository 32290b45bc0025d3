import type { FlacSegment } from "./flac-segment.ts";
import type { Mp3Setting } from "./mp3.ts";
import type { Mp3Segment } from "./mp3-segment.ts";
import type { OpusSegment } from "./opus-segment.ts";
import type { VorbisSegment } from "./vorbis-segment.ts";

/** One segment's encoding, as sent to an encoding thread (the samples are transferred, not copied). */
export type SegmentJob =
  | { readonly codec: "flac"; readonly channels: Float32Array[]; readonly sampleRate: number; readonly bits: 16 | 24 }
  | {
      readonly codec: "mp3";
      readonly channels: Float32Array[];
      readonly sampleRate: number;
      readonly setting: Mp3Setting;
    }
  | {
      readonly codec: "opus";
      readonly channels: Float32Array[];
      readonly bitrate: number;
      /** Whether the segment ends the stream (its encoder's lookahead is flushed out with zeros). */
      readonly flush: boolean;
    }
  | {
      readonly codec: "vorbis";
      readonly channels: Float32Array[];
      readonly sampleRate: number;
      readonly quality: number;
    };

export type SegmentResult = FlacSegment | Mp3Segment | OpusSegment | VorbisSegment;

/**
 * Encodes one segment (in an encoding thread). Each codec's module is loaded when first needed: a thread holds only
 * the WebAssembly of the codec it encodes.
 */
export async function encodeSegment(job: SegmentJob): Promise<SegmentResult> {
  switch (job.codec) {
    case "flac":
      return (await import("./flac-segment.ts")).encodeFlacSegment(job.channels, job.sampleRate, job.bits);
    case "mp3":
      return (await import("./mp3-segment.ts")).encodeMp3Segment(job.channels, job.sampleRate, job.setting);
    case "opus":
      return (await import("./opus-segment.ts")).encodeOpusSegment(job.channels, job.bitrate, job.flush);
    case "vorbis":
      return (await import("./vorbis-segment.ts")).encodeVorbisSegment(job.channels, job.sampleRate, job.quality);
  }
}

/** The buffers of a result, to be transferred rather than copied between threads. */
export function transferablesOf(result: SegmentResult): ArrayBuffer[] {
  const buffers = Object.values(result)
    .filter((value): value is ArrayBufferView => ArrayBuffer.isView(value))
    .map((view) => view.buffer);
  return [...new Set(buffers)].filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}

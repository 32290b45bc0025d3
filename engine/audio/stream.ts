import type { PcmAudio } from "./pcm.ts";

/**
 * Audio read window by window: any [from, to) of it, in any order, computed or copied on demand. A long result is
 * passed around this way so that only the window being encoded or measured is ever held in memory.
 */
export interface AudioStream {
  readonly sampleRate: number;
  readonly channelCount: number;
  /** Frames (samples per channel). */
  readonly length: number;
  /**
   * Frames [from, to) of every channel, 0 <= from <= to <= length; the arrays may be views and must not be changed.
   * `into` (one array per channel, each at least to - from long) is room the stream may render into and return views
   * of, instead of fresh arrays: a reader that asks window after window passes the same room each time, once it is
   * done with the window before. A stream that has no use for it ignores it.
   */
  read(from: number, to: number, into?: Float32Array[]): Float32Array[];
}

/** Frames per window when a stream is read through (1.5 s at 44.1 kHz: 0.5 MB per stereo float window). */
export const STREAM_WINDOW_FRAMES = 1 << 16;

/** Whole audio as a stream (windows are views of it). */
export function streamOf(audio: PcmAudio): AudioStream {
  return {
    sampleRate: audio.sampleRate,
    channelCount: audio.channels.length,
    length: audio.channels[0]?.length ?? 0,
    read: (from, to) => audio.channels.map((channel) => channel.subarray(from, to)),
  };
}

/** The whole stream in memory (for short results and the readers that still need all of it at once). */
export function wholeAudio(stream: AudioStream): PcmAudio {
  return { sampleRate: stream.sampleRate, channels: stream.read(0, stream.length).map((c) => c.slice()) };
}

/** The stream's windows in order: [from, to) and the frames. */
export function* windowsOf(
  stream: AudioStream,
  frames = STREAM_WINDOW_FRAMES,
): Generator<{ from: number; to: number; channels: Float32Array[] }> {
  for (let from = 0; from < stream.length; from += frames) {
    const to = Math.min(stream.length, from + frames);
    yield { from, to, channels: stream.read(from, to) };
  }
}

/**
 * `fields` with the stream and, read on first use, the whole audio (`audio`, not enumerable: spreading the object
 * does not render it). For callers that want every sample at once; long results should be read as a stream.
 */
export function withWholeAudio<T extends object>(
  fields: T,
  stream: AudioStream,
): T & { readonly stream: AudioStream; readonly audio: PcmAudio } {
  let audio: PcmAudio | undefined;
  const result = { ...fields, stream };
  Object.defineProperty(result, "audio", { get: () => (audio ??= wholeAudio(stream)), enumerable: false });
  return result as T & { readonly stream: AudioStream; readonly audio: PcmAudio };
}

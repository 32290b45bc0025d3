import type { PcmAudio } from "../audio/pcm.ts";
import type { AudioStream } from "../audio/stream.ts";

/**
 * The samples the quality measurement reads, by range: audio held whole, or a stream (a long result rendered window
 * by window, engine/audio/stream.ts) of which only the windows being read are held. The measurement reads a result
 * mostly in order (one scan, the anchors, the copies), plus short places anywhere (a copy's edges, an earlier copy of
 * the same passage, the seams): a few recent windows are kept so that neither renders the same samples over and over.
 */
export interface SampleSource {
  readonly sampleRate: number;
  readonly channelCount: number;
  /** Frames. */
  readonly length: number;
  /**
   * Channels holding at least frames [from, to) (clamped to the signal): frame i is channels[c][i - base]. The arrays
   * may be views of the whole audio or of a kept window: read them before the next span() call, never change them.
   */
  span(from: number, to: number): SourceSpan;
}

export interface SourceSpan {
  readonly channels: readonly Float32Array[];
  /** The same samples as IEEE-754 bits (exact comparison). */
  readonly bits: readonly Uint32Array[];
  /** The frame the arrays start at. */
  readonly base: number;
}

/**
 * Frames per kept window of a stream (93 ms at 44.1 kHz), and how many are kept (2 MB of stereo floats). The passes in
 * order read from spans of their own (result-scan.ts) and earlier copies of the input from the input (copy-map.ts):
 * what is left to read here is a copy's edges and a few places the copies do not cover. Keeping 1,024 windows (32 MB,
 * filled only by long results: a memory that grew with the length up to 3 hours) rendered the same frames, 2.98 and
 * 3.03 times a 1 h and a 3 h result's length for the whole measurement, with either engine.
 */
const CHUNK_FRAMES = 1 << 12;
const KEPT_CHUNKS = 64;

/** A signal as the measurement takes it: held whole, as a stream, or already a source. */
export type MeasuredAudio = PcmAudio | AudioStream | SampleSource;

export const isStream = (audio: PcmAudio | AudioStream): audio is AudioStream => "read" in audio;

/** The source of audio held whole, or of a stream. */
export function sampleSource(audio: MeasuredAudio): SampleSource {
  if ("span" in audio) return audio;
  return isStream(audio) ? streamSource(audio) : wholeSource(audio);
}

function wholeSource(audio: PcmAudio): SampleSource {
  const whole: SourceSpan = { channels: audio.channels, bits: audio.channels.map(bitsOf), base: 0 };
  return {
    sampleRate: audio.sampleRate,
    channelCount: audio.channels.length,
    length: audio.channels[0]?.length ?? 0,
    span: () => whole,
  };
}

function streamSource(stream: AudioStream): SampleSource {
  // Each chunk may sit in one of two slots (a two-choice cache: a dozen places read in turn, as a search against the
  // result's own earlier copies does, rarely evict each other); the older of the two gives way.
  const slots: ({ index: number; span: SourceSpan; used: number } | undefined)[] = new Array(KEPT_CHUNKS);
  let clock = 0;
  // The chunk read last: most reads (a scan, a copy walked in order) stay in it.
  let last: { index: number; span: SourceSpan; used: number } | undefined;
  const chunk = (index: number): SourceSpan => {
    if (last?.index === index) return last.span;
    const a = index % KEPT_CHUNKS;
    const b = (Math.imul(index, 0x9e3779b1) >>> 0) % KEPT_CHUNKS;
    let found = slots[a]?.index === index ? slots[a] : slots[b]?.index === index ? slots[b] : undefined;
    if (!found) {
      const base = index * CHUNK_FRAMES;
      found = { index, span: spanOf(stream.read(base, Math.min(stream.length, base + CHUNK_FRAMES)), base), used: 0 };
      slots[(slots[a]?.used ?? -1) <= (slots[b]?.used ?? -1) ? a : b] = found;
    }
    found.used = ++clock;
    last = found;
    return found.span;
  };
  return {
    sampleRate: stream.sampleRate,
    channelCount: stream.channelCount,
    length: stream.length,
    span: (from, to) => {
      const a = Math.max(0, Math.min(from, stream.length));
      const z = Math.max(a, Math.min(to, stream.length));
      const first = Math.floor(a / CHUNK_FRAMES);
      if (z <= (first + 1) * CHUNK_FRAMES) return chunk(first);
      return spanOf(stream.read(a, z), a);
    },
  };
}

function spanOf(channels: Float32Array[], base: number): SourceSpan {
  return { channels, bits: channels.map(bitsOf), base };
}

const bitsOf = (c: Float32Array) => new Uint32Array(c.buffer, c.byteOffset, c.length);

/** Frames [from, to) as audio of their own (views where the source allows). */
export function windowOf(source: SampleSource, from: number, to: number): PcmAudio {
  const { channels, base } = source.span(from, to);
  const a = Math.max(0, from) - base;
  const z = Math.min(to, source.length) - base;
  return { sampleRate: source.sampleRate, channels: channels.map((c) => c.subarray(a, Math.max(a, z))) };
}

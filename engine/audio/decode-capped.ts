/**
 * Chunked decoding with a ceiling: the compressed decoders are fed a few kilobytes at a time and stopped as
 * soon as they have produced more than the input limit plus 1 s, so a small file whose header understates its
 * length (a decompression bomb) is refused before its samples fill the memory.
 */
import { HarmonizerInputError } from "../errors.ts";
import {
  checkStreamShape,
  decodeCapSeconds,
  decodedSampleBudget,
  DEFAULT_LIMITS,
  overSampleBudget,
} from "../limits.ts";
import type { PcmAudio } from "./pcm.ts";
import { SampleSink } from "./sample-sink.ts";

/** What the wasm-audio-decoders all return. Errors are reported here, not thrown. */
export interface WasmDecodeResult {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: ReadonlyArray<{ message: string; frameNumber?: number; atSeconds?: number }>;
  /** Frames at the start already clamped to [-1, 1] (those reported to DecodeCap.onSamples); none when absent. */
  clampedFrames?: number;
  /** The largest magnitude among those clamped frames before the clamp (above 1 where the decoder overshot). */
  peakBeforeClamp?: number;
}

/** A streaming decoder: `decode` takes the next bytes and returns the samples they complete. */
export interface StreamDecoder<R extends WasmDecodeResult> {
  decode(chunk: Uint8Array): R | Promise<R>;
  flush?: () => Promise<R>;
  /**
   * Instead of `decode`, where the decoder can: hands each piece of output to `take` as it is made (views that
   * `take` copies before the next), so that the decoder need not gather the pieces into a copy of its own.
   */
  decodeEach?: (chunk: Uint8Array, take: (part: WasmDecodeResult) => void) => void;
}

export interface DecodeCap {
  /** The input limit in seconds; decoding stops once it has produced more than this plus 1 s. */
  readonly maxSeconds?: number | undefined;
  /** Decoded samples (frames x channels) allowed; decoding stops (TOO_LARGE) before holding more. */
  readonly maxSamples?: number | undefined;
  /** Frames the header declares, if it does: the first allocation (a lie costs only growth, within the budget). */
  readonly expectedFrames?: number | undefined;
  /**
   * Frames the stream ends at, where its decoder does not stop there itself (an Ogg stream's last granule, less
   * Opus pre-skip, when its last page lacks the end-of-stream flag): output past it is dropped.
   */
  readonly endFrames?: number | undefined;
  /** Checked after every chunk (e.g. FLAC: more samples than its header declares); throw to stop. */
  readonly check?: (framesSoFar: number) => void;
  /**
   * Handed the samples decoded so far (views of the growing buffers, clamped to [-1, 1] as the result will be) every
   * SAMPLES_REPORT_FRAMES or so, so that a second thread can start on them while the rest decodes. Not for a decoder
   * whose samples are changed after decoding (FLAC's rescaling).
   */
  readonly onSamples?: ((decoded: PcmAudio) => void) | undefined;
  /** Clamp to [-1, 1] while copying into the result (all of it then counts as clamped: `clampedFrames`). */
  readonly clampOnAppend?: boolean | undefined;
}

/** How many new frames make a report to onSamples (1.5 s at 44.1 kHz). */
const SAMPLES_REPORT_FRAMES = 1 << 16;

/**
 * Clamps each channel from `from` on to [-1, 1] (as the decoded result is: clamping twice changes nothing); returns
 * the largest magnitude it saw there before the clamp.
 */
export function clampFrom(channels: readonly Float32Array[], from: number): number {
  let highest = 0;
  for (const channel of channels) {
    for (let i = from; i < channel.length; i++) {
      const value = channel[i]!;
      if (value > highest) highest = value;
      else if (-value > highest) highest = -value;
      if (value > 1) channel[i] = 1;
      else if (value < -1) channel[i] = -1;
    }
  }
  return highest;
}

/** Bytes handed to the decoder at a time: small, as a few bytes of FLAC or MP3 can stand for seconds of audio. */
const CHUNK_BYTES = 4096;

export function tooLong(decodedSeconds: number, maxSeconds: number): HarmonizerInputError {
  return new HarmonizerInputError(
    "TOO_LONG",
    `input is longer than ${decodedSeconds.toFixed(1)} s (decoding stopped there); at most ${maxSeconds.toFixed(1)} s is accepted`,
  );
}

/**
 * Feeds `bytes` to `decoder` chunk by chunk into one SampleSink. The first output's rate and channel count must
 * be within STREAM_LIMITS; every output is checked against the seconds cap and the sample budget before it is
 * kept, so memory never holds more than the budget.
 */
export async function decodeCapped<R extends WasmDecodeResult>(
  decoder: StreamDecoder<R>,
  bytes: Uint8Array,
  cap: DecodeCap = {},
): Promise<R> {
  let first: R | undefined;
  let sink: SampleSink | undefined;
  const errors: R["errors"][number][] = [];
  const maxSamples = cap.maxSamples ?? decodedSampleBudget(DEFAULT_LIMITS);
  const take = (part: R) => {
    // Where in the song: the decoders' own frame numbers are per call (mpg123 numbers every error frame 0).
    const atSeconds = first === undefined || sink === undefined ? 0 : sink.length / first.sampleRate;
    for (const error of part.errors) errors.push({ ...error, atSeconds });
    const count = Math.min(part.samplesDecoded, (cap.endFrames ?? Number.POSITIVE_INFINITY) - (sink?.length ?? 0));
    if (count <= 0) return;
    if (first === undefined || sink === undefined) {
      checkStreamShape(part.sampleRate, part.channelData.length);
      first = part;
      const maxFrames = Math.floor(maxSamples / part.channelData.length);
      sink = new SampleSink(part.channelData.length, maxFrames, Math.min(maxFrames, cap.expectedFrames || 2 ** 20));
    }
    const frames = sink.length + count;
    if (frames * part.channelData.length > maxSamples)
      throw overSampleBudget(frames * part.channelData.length, maxSamples);
    if (cap.maxSeconds !== undefined && first.sampleRate > 0) {
      const seconds = frames / first.sampleRate;
      if (seconds > decodeCapSeconds({ maxInputSeconds: cap.maxSeconds })) throw tooLong(seconds, cap.maxSeconds);
    }
    cap.check?.(frames);
    sink.append(part.channelData, count, cap.clampOnAppend);
    if (cap.clampOnAppend) clamped = frames;
    if (cap.onSamples && frames - reported >= SAMPLES_REPORT_FRAMES) {
      reported = frames;
      const channels = sink.channelData();
      peakBeforeClamp = Math.max(peakBeforeClamp, clampFrom(channels, clamped));
      cap.onSamples({ sampleRate: first.sampleRate, channels });
      clamped = frames;
    }
  };
  let reported = 0;
  let clamped = 0;
  let peakBeforeClamp = 0;
  const decodeEach = decoder.decodeEach;
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + CHUNK_BYTES));
    if (decodeEach !== undefined) decodeEach(chunk, take as (part: WasmDecodeResult) => void);
    else take(await decoder.decode(chunk));
  }
  if (decoder.flush !== undefined) take(await decoder.flush());
  if (first === undefined || sink === undefined) {
    return { channelData: [], samplesDecoded: 0, sampleRate: 0, errors } as unknown as R;
  }
  peakBeforeClamp = Math.max(peakBeforeClamp, sink.peakBeforeClamp);
  return {
    ...first,
    channelData: sink.channelData(),
    samplesDecoded: sink.length,
    errors,
    clampedFrames: clamped,
    peakBeforeClamp,
  };
}

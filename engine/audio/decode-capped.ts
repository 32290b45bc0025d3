/**
 * Chunked decoding with a ceiling: the compressed decoders are fed a few kilobytes at a time and stopped as
 * soon as they have produced more than the input limit plus 1 s, so a small file whose header understates its
 * length (a decompression bomb) is refused before its samples fill the memory.
 */
import { HarmonizerInputError } from "../errors.ts";
import { decodeCapSeconds } from "../limits.ts";

/** What the wasm-audio-decoders all return. Errors are reported here, not thrown. */
export interface WasmDecodeResult {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: ReadonlyArray<{ message: string; frameNumber?: number }>;
}

/** A streaming decoder: `decode` takes the next bytes and returns the samples they complete. */
export interface StreamDecoder<R extends WasmDecodeResult> {
  decode(chunk: Uint8Array): R | Promise<R>;
  flush?: () => Promise<R>;
}

export interface DecodeCap {
  /** The input limit in seconds; decoding stops once it has produced more than this plus 1 s. */
  readonly maxSeconds?: number | undefined;
  /** Checked after every chunk (e.g. FLAC: more samples than its header declares); throw to stop. */
  readonly check?: (framesSoFar: number) => void;
}

/** Bytes handed to the decoder at a time: small, as a few bytes of FLAC or MP3 can stand for seconds of audio. */
const CHUNK_BYTES = 4096;

export function tooLong(decodedSeconds: number, maxSeconds: number): HarmonizerInputError {
  return new HarmonizerInputError(
    "TOO_LONG",
    `input is longer than ${decodedSeconds.toFixed(1)} s (decoding stopped there); at most ${maxSeconds.toFixed(1)} s is accepted`,
  );
}

/** Feeds `bytes` to `decoder` chunk by chunk and joins the output; throws TOO_LONG past the cap. */
export async function decodeCapped<R extends WasmDecodeResult>(
  decoder: StreamDecoder<R>,
  bytes: Uint8Array,
  cap: DecodeCap = {},
): Promise<R> {
  const parts: R[] = [];
  let frames = 0;
  const take = (part: R) => {
    if (part.samplesDecoded === 0 && part.errors.length === 0) return;
    parts.push(part);
    frames += part.samplesDecoded;
    cap.check?.(frames);
    if (cap.maxSeconds !== undefined && part.sampleRate > 0) {
      const seconds = frames / part.sampleRate;
      if (seconds > decodeCapSeconds({ maxInputSeconds: cap.maxSeconds })) throw tooLong(seconds, cap.maxSeconds);
    }
  };
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    take(await decoder.decode(bytes.subarray(offset, Math.min(bytes.length, offset + CHUNK_BYTES))));
  }
  if (decoder.flush !== undefined) take(await decoder.flush());
  return joinParts(parts);
}

function joinParts<R extends WasmDecodeResult>(parts: readonly R[]): R {
  const first = parts[0];
  if (first === undefined) return { channelData: [], samplesDecoded: 0, sampleRate: 0, errors: [] } as unknown as R;
  const channelCount = Math.max(...parts.map((part) => part.channelData.length));
  const total = parts.reduce((sum, part) => sum + part.samplesDecoded, 0);
  const channelData = Array.from({ length: channelCount }, () => new Float32Array(total));
  let at = 0;
  for (const part of parts) {
    part.channelData.forEach((channel, c) => {
      channelData[c]!.set(channel.subarray(0, part.samplesDecoded), at);
    });
    at += part.samplesDecoded;
  }
  const sampleRate = parts.find((part) => part.sampleRate > 0)?.sampleRate ?? 0;
  return { ...first, channelData, samplesDecoded: total, sampleRate, errors: parts.flatMap((part) => part.errors) };
}

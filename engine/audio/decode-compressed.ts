// The decoders are loaded when a file of their format arrives: a job reads one format, and each costs start-up time.
import type { PcmAudio } from "./pcm.ts";
import { HarmonizerInputError } from "../errors.ts";
// Lossy decoders overshoot [-1, 1] on loud material; the engine's contract is [-1, 1] (clampFrom keeps the peak).
import { clampFrom, type DecodeCap, decodeCapped, type WasmDecodeResult } from "./decode-capped.ts";
import { decoderErrorInWords, TRUNCATED } from "./decoder-errors.ts";
import { losslessWavDepth, type DecodedAudio, type WavBitDepth } from "./decoded.ts";
import type { AudioFormat } from "./format.ts";
import { directMpegReader } from "./mpeg-direct.ts";

const FORMAT_NAMES: Record<AudioFormat, string> = {
  wav: "WAV",
  mp3: "MP3",
  "ogg-vorbis": "Ogg Vorbis",
  "ogg-opus": "Ogg Opus",
  flac: "FLAC",
};

export function corruptAudio(format: AudioFormat, message: string, cause?: unknown): HarmonizerInputError {
  return new HarmonizerInputError("CORRUPT_AUDIO", `corrupt ${FORMAT_NAMES[format]} file: ${message}`, { cause });
}

/** Turns a decoder result into PCM, or a CORRUPT_AUDIO error when the decoder complained or produced nothing. */
function toDecoded(
  format: AudioFormat,
  result: WasmDecodeResult,
  detail: string,
  bitDepth?: WavBitDepth,
): DecodedAudio {
  const firstError = result.errors[0];
  if (firstError !== undefined) {
    const where =
      firstError.atSeconds !== undefined
        ? ` ${firstError.atSeconds.toFixed(1)} s into the song`
        : firstError.frameNumber === undefined
          ? ""
          : ` at frame ${firstError.frameNumber}`;
    const count = `${result.errors.length} decoding error${result.errors.length === 1 ? "" : "s"}`;
    const words = decoderErrorInWords(firstError.message);
    throw words === undefined
      ? corruptAudio(format, `${count}, the first${where}: ${firstError.message}`)
      : corruptAudio(format, `${words} (${count}, the first${where})`, new Error(firstError.message));
  }
  if (result.samplesDecoded === 0 || result.channelData.length === 0 || result.sampleRate <= 0) {
    throw corruptAudio(format, "no samples could be decoded");
  }
  // The frames reported while decoding were clamped then (clamping twice changes nothing): the rest is clamped here.
  const clamped = Math.min(result.clampedFrames ?? 0, result.samplesDecoded);
  const channels = result.channelData.map((channel) => channel.subarray(0, result.samplesDecoded));
  const peakBeforeClamp = Math.max(result.peakBeforeClamp ?? 0, clampFrom(channels, clamped));
  return { sampleRate: result.sampleRate, channels, format, codecDetail: detail, bitDepth, peakBeforeClamp };
}

/**
 * @wasm-audio-decoders/flac divides integers by 2^(bits-1) - 1; the engine (like decodeWav and
 * encodeWav) uses 2^(bits-1). Re-quantising makes FLAC -> 16/24-bit WAV sample-exact.
 */
function rescaleFlacInPlace(samples: Float32Array, bits: number): void {
  const decoderScale = 2 ** (bits - 1) - 1;
  const engineScale = 2 ** (bits - 1);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(samples[i]! * decoderScale) / engineScale;
}

/** Runs `use` on a ready decoder and always frees its WebAssembly memory. */
async function withDecoder<D extends { ready: Promise<void>; free: () => void }, R>(
  format: AudioFormat,
  decoder: D,
  use: (decoder: D) => Promise<R> | R,
): Promise<R> {
  try {
    await decoder.ready;
    return await use(decoder);
  } catch (error) {
    if (error instanceof HarmonizerInputError) throw error;
    throw corruptAudio(format, (error as Error).message ?? String(error), error);
  } finally {
    decoder.free();
  }
}

/**
 * mpg123-decoder always returns two channels; a mono stream (`channels` 1) keeps one. Every decoder stops
 * once it has produced more than `cap.maxSeconds` + 1 s (TOO_LONG) or the sample budget (TOO_LARGE), whatever
 * the file's header claims.
 */
export async function decodeMp3(
  bytes: Uint8Array,
  detail: string,
  channels: 1 | 2,
  cap: DecodeCap = {},
): Promise<DecodedAudio> {
  return withDecoder("mp3", new (await import("mpg123-decoder")).MPEGDecoder(), async (decoder) => {
    const report = cap.onSamples;
    const kept =
      report && ((decoded: PcmAudio) => report({ ...decoded, channels: decoded.channels.slice(0, channels) }));
    const source = { decode: (chunk: Uint8Array) => decoder.decode(chunk), decodeEach: directMpegReader(decoder) };
    const result = await decodeCapped(source, bytes, { ...cap, onSamples: kept, clampOnAppend: true });
    return toDecoded("mp3", { ...result, channelData: result.channelData.slice(0, channels) }, detail);
  });
}

export async function decodeOggVorbis(bytes: Uint8Array, cap: DecodeCap = {}): Promise<DecodedAudio> {
  return withDecoder(
    "ogg-vorbis",
    new (await import("@wasm-audio-decoders/ogg-vorbis")).OggVorbisDecoder(),
    async (decoder) => toDecoded("ogg-vorbis", await decodeCapped(decoder, bytes, cap), "Vorbis"),
  );
}

export async function decodeOggOpus(bytes: Uint8Array, cap: DecodeCap = {}): Promise<DecodedAudio> {
  return withDecoder("ogg-opus", new (await import("ogg-opus-decoder")).OggOpusDecoder(), async (decoder) =>
    toDecoded("ogg-opus", await decodeCapped(decoder, bytes, cap), "Opus"),
  );
}

/**
 * Total samples per channel declared in FLAC's STREAMINFO (0 = unknown), which starts 8 bytes
 * after "fLaC" (4-byte metadata block header in between).
 */
export function flacDeclaredFrames(bytes: Uint8Array, flacOffset: number): number {
  const streamInfo = flacOffset + 8;
  if (streamInfo + 18 > bytes.length) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (bytes[streamInfo + 13]! & 0x0f) * 2 ** 32 + view.getUint32(streamInfo + 14);
}

/** A FLAC that decodes to more samples than its STREAMINFO declares is refused as soon as it does. */
export async function decodeFlac(bytes: Uint8Array, flacOffset: number, cap: DecodeCap = {}): Promise<DecodedAudio> {
  const declared = flacDeclaredFrames(bytes, flacOffset);
  const check = (frames: number) => {
    if (declared > 0 && frames > declared) {
      throw corruptAudio(
        "flac",
        `it holds more than the ${declared} samples per channel its header declares (decoding stopped)`,
      );
    }
  };
  return withDecoder("flac", new (await import("@wasm-audio-decoders/flac")).FLACDecoder(), async (decoder) => {
    const result = await decodeCapped(decoder, bytes, { ...cap, check, expectedFrames: declared });
    for (const channel of result.channelData) rescaleFlacInPlace(channel, result.bitDepth);
    const decoded = toDecoded("flac", result, `FLAC ${result.bitDepth}-bit`, losslessWavDepth(result.bitDepth, false));
    if (declared > 0 && result.samplesDecoded < declared) {
      throw corruptAudio(
        "flac",
        `${result.samplesDecoded} of the ${declared} samples per channel declared in its header could be decoded ${TRUNCATED}`,
      );
    }
    return decoded;
  });
}

import { readFile } from "node:fs/promises";
import { HarmonizerInputError } from "../errors.ts";
import { TRUNCATED } from "./decoder-errors.ts";
import { corruptAudio, decodeFlac, decodeMp3, decodeOggOpus, decodeOggVorbis } from "./decode-compressed.ts";
import { decodedSampleBudget, DEFAULT_LIMITS } from "../limits.ts";
import type { DecodeCap } from "./decode-capped.ts";
import { decodeWav } from "./decode-wav.ts";
import type { DecodedAudio } from "./decoded.ts";
import { sniffContainer, unreadContainer } from "./format.ts";
import type { PcmAudio } from "./pcm.ts";
import { parseMpegFrameHeader, walkMpegFrames } from "./mpeg.ts";
import { lastGranulePosition, type OggCodec, opusPreSkip } from "./ogg.ts";

const SUPPORTED = "WAV, MP3, Ogg Vorbis, Ogg Opus or FLAC";

const OGG_CODEC_NAMES: Record<OggCodec, string> = {
  vorbis: "Vorbis",
  opus: "Opus",
  flac: "FLAC in Ogg",
  speex: "Speex",
  theora: "Theora video",
  skeleton: "Ogg Skeleton",
  pcm: "OggPCM",
  unknown: "an unknown codec",
};

/**
 * Decodes WAV, MP3, Ogg Vorbis, Ogg Opus or FLAC bytes (recognised from the bytes, not a name).
 * Throws HarmonizerInputError: NOT_AUDIO for anything else, UNSUPPORTED_CODEC for a known
 * container with a codec we do not decode, CORRUPT_AUDIO for truncated or undecodable data.
 */
export interface DecodeOptions {
  /**
   * The input limit: decoding stops (TOO_LONG) once more than this plus 1 s has been decoded, or (TOO_LARGE) past
   * decodedSampleBudget of it (of the default limit when not given). Rates and channels outside STREAM_LIMITS
   * are refused (UNSUPPORTED_CODEC) before any sample is kept.
   */
  readonly maxSeconds?: number | undefined;
  /**
   * Handed the samples decoded so far, now and then while an MP3, Vorbis or Opus file decodes (DecodeCap.onSamples:
   * views of the buffers the result is made of, as they grow; WAV and FLAC: never).
   */
  readonly onSamples?: ((decoded: PcmAudio) => void) | undefined;
}

/** The seconds cap and the sample budget that goes with it (decodedSampleBudget of the same limit). */
function capFor(maxSeconds: number | undefined): DecodeCap {
  const maxSamples = decodedSampleBudget(maxSeconds === undefined ? DEFAULT_LIMITS : { maxInputSeconds: maxSeconds });
  return { maxSeconds, maxSamples };
}

export async function decodeAudio(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedAudio> {
  if (bytes.length === 0)
    throw new HarmonizerInputError("NOT_AUDIO", `the file is empty (0 bytes): expected ${SUPPORTED}`);
  const cap = capFor(options.maxSeconds);
  const reporting = { ...cap, onSamples: options.onSamples };
  const sniffed = sniffContainer(bytes);
  if (sniffed === undefined) {
    const other = unreadContainer(bytes);
    if (other !== undefined) {
      throw new HarmonizerInputError(
        "UNSUPPORTED_CODEC",
        `the file is ${other}, which this program does not decode: convert it to ${SUPPORTED} first`,
      );
    }
    throw new HarmonizerInputError("NOT_AUDIO", `not an audio file: expected ${SUPPORTED}`);
  }
  switch (sniffed.container) {
    case "wav":
      return decodeWav(bytes, cap);
    case "flac":
      return decodeFlac(bytes, sniffed.offset, cap);
    case "mp3": {
      const header = parseMpegFrameHeader(bytes, sniffed.firstFrame)!;
      const frames = walkMpegFrames(bytes, sniffed.firstFrame);
      if (frames.truncated) throw corruptAudio("mp3", `the last MPEG frame is cut off ${TRUNCATED}`);
      // The frames' sample count sizes the one buffer (within the budget), instead of growing it as it fills.
      const detail = `MPEG-${header.version} Layer ${"I".repeat(header.layer)}`;
      return decodeMp3(bytes, detail, header.channels, { ...reporting, expectedFrames: frames.samples });
    }
    case "ogg": {
      const audioCodec = sniffed.codecs.find((codec) => codec === "opus" || codec === "vorbis");
      if (audioCodec === undefined) {
        const found = sniffed.codecs.filter((codec) => codec !== "skeleton").map((codec) => OGG_CODEC_NAMES[codec]);
        throw new HarmonizerInputError(
          "UNSUPPORTED_CODEC",
          `unsupported codec in Ogg file: ${found.join(", ") || "no stream found"}; supported: Vorbis and Opus`,
        );
      }
      const format = audioCodec === "opus" ? "ogg-opus" : "ogg-vorbis";
      if (!sniffed.complete) {
        throw corruptAudio(format, `the last Ogg page is cut off or the stream has no end ${TRUNCATED}`);
      }
      // The last page's granule is the length: one allocation of the right size (a little over, for pre-skip).
      const granule = lastGranulePosition(bytes.subarray(Math.max(0, bytes.length - 65_536)));
      const expectedFrames = granule === undefined ? undefined : Number(granule) + 8192;
      // Without the end-of-stream flag the decoders play the last packet whole, past the stream's end (the granule).
      const preSkip = audioCodec === "opus" ? opusPreSkip(bytes) : 0;
      const endFrames = sniffed.flaggedEnd || granule === undefined ? undefined : Number(granule) - preSkip;
      const cap = { ...reporting, expectedFrames, endFrames };
      return audioCodec === "opus" ? decodeOggOpus(bytes, cap) : decodeOggVorbis(bytes, cap);
    }
  }
}

/** Reads and decodes a local audio file. */
export async function decodeAudioFile(path: string, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const buffer = await readFile(path);
  return decodeAudio(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), options);
}

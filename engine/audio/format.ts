import { findFirstMpegFrame, id3v2Size } from "./mpeg.ts";
import { inspectOgg, isOggPage, type OggCodec } from "./ogg.ts";

/** The audio formats the engine decodes. */
export type AudioFormat = "wav" | "mp3" | "ogg-vorbis" | "ogg-opus" | "flac";

/** Container recognised from the first bytes, whether or not its codec is one we decode. */
export type SniffedContainer =
  | { readonly container: "wav" }
  | { readonly container: "flac"; readonly offset: number }
  | { readonly container: "mp3"; readonly firstFrame: number }
  | {
      readonly container: "ogg";
      readonly codecs: readonly OggCodec[];
      readonly complete: boolean;
      readonly flaggedEnd: boolean;
    };

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** Recognises the container from its bytes (never from a file name). */
export function sniffContainer(bytes: Uint8Array): SniffedContainer | undefined {
  const riff = ascii(bytes, 0, 4);
  if ((riff === "RIFF" || riff === "RIFX" || riff === "RF64") && ascii(bytes, 8, 4) === "WAVE") {
    return { container: "wav" };
  }
  if (isOggPage(bytes)) {
    return { container: "ogg", ...inspectOgg(bytes) };
  }
  // FLAC files may start with an ID3v2 tag, which libFLAC skips.
  let afterTags = 0;
  for (let tag = id3v2Size(bytes, afterTags); tag > 0; tag = id3v2Size(bytes, afterTags)) afterTags += tag;
  if (ascii(bytes, afterTags, 4) === "fLaC") return { container: "flac", offset: afterTags };
  const firstFrame = findFirstMpegFrame(bytes);
  if (firstFrame !== undefined) return { container: "mp3", firstFrame };
  return undefined;
}

/**
 * The format of an audio file, from its bytes: RIFF/RIFX/RF64 WAVE, MP3 (ID3v2 tag or MPEG frame
 * sync), Ogg with a Vorbis or Opus stream, FLAC. Undefined for anything else, including Ogg files
 * whose codec we do not decode (Speex, FLAC-in-Ogg); `sniffContainer` tells those apart.
 */
export function sniffFormat(bytes: Uint8Array): AudioFormat | undefined {
  const sniffed = sniffContainer(bytes);
  if (sniffed === undefined) return undefined;
  if (sniffed.container !== "ogg") return sniffed.container;
  if (sniffed.codecs.includes("opus")) return "ogg-opus";
  if (sniffed.codecs.includes("vorbis")) return "ogg-vorbis";
  return undefined;
}

/**
 * A common audio container this program does not decode, from its first bytes (MP4/M4A, AIFF, WebM/Matroska,
 * WMA/ASF, CAF), in words; undefined for anything else. A song in one of them is audio, only not one we read: saying
 * "not an audio file" of an .m4a from a music store misleads.
 */
export function unreadContainer(bytes: Uint8Array): string | undefined {
  if (ascii(bytes, 4, 4) === "ftyp") return "MP4/M4A (AAC or ALAC audio)";
  if (ascii(bytes, 0, 4) === "FORM" && ["AIFF", "AIFC"].includes(ascii(bytes, 8, 4))) return "AIFF";
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return "WebM/Matroska";
  if (bytes[0] === 0x30 && bytes[1] === 0x26 && bytes[2] === 0xb2 && bytes[3] === 0x75) return "WMA/ASF";
  if (ascii(bytes, 0, 4) === "caff") return "Core Audio (CAF)";
  return undefined;
}

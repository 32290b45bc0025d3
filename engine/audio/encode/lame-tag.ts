import { parseMpegFrameHeader } from "../mpeg.ts";

/**
 * The Xing/Info frame with a LAME extension that LAME itself writes at the start of a file (VbrTag.c), which
 * wasm-media-encoders' LAME build does not emit. It tells decoders (mpg123, ffmpeg, browsers) the frame count, a
 * seek table and, in the LAME part, the encoder delay and end padding, so the decoded length is exact (gapless).
 */

/** LAME's encoder delay in samples (ENCDELAY); decoders add their own 529-sample MDCT delay on top. */
export const LAME_ENCODER_DELAY = 576;

const TAG_BYTES = 156; // "Xing" ... tag CRC
const TOC_ENTRIES = 100;

export interface MpegFrames {
  /** Byte offset of every audio frame. */
  readonly offsets: readonly number[];
  readonly samplesPerFrame: number;
  /** Side-information bytes after the 4-byte header (where the Xing tag starts). */
  readonly sideInfoBytes: number;
}

/** Walks the frames LAME wrote (no tags, no junk in between). */
export function listMpegFrames(bytes: Uint8Array): MpegFrames {
  const offsets: number[] = [];
  let offset = 0;
  let first: ReturnType<typeof parseMpegFrameHeader>;
  while (offset < bytes.length) {
    const header = parseMpegFrameHeader(bytes, offset);
    if (header === undefined) throw new Error(`the MP3 encoder wrote a stray byte at ${offset}`);
    first ??= header;
    offsets.push(offset);
    offset += header.frameBytes;
  }
  if (first === undefined) throw new Error("the MP3 encoder wrote no frames");
  const mpeg1 = first.version === 1;
  return {
    offsets,
    samplesPerFrame: mpeg1 ? 1152 : 576,
    sideInfoBytes: mpeg1 ? (first.channels === 1 ? 17 : 32) : first.channels === 1 ? 9 : 17,
  };
}

/** CRC-16 (polynomial 0x8005, reflected), as LAME computes the tag's own CRC. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc & 0xffff;
}

/** A frame header like `audio`'s first one, with the smallest bitrate whose frame holds the tag. */
function tagFrameHeader(audio: Uint8Array, needed: number): { header: Uint8Array; frameBytes: number } {
  const header = audio.slice(0, 4);
  header[1] = header[1]! | 0x01; // no CRC
  header[3] = header[3]! & 0xcf; // no mode extension
  for (let index = 1; index < 15; index++) {
    header[2] = (index << 4) | (header[2]! & 0x0c); // bitrate index, same sample rate, no padding
    const parsed = parseMpegFrameHeader(header, 0);
    if (parsed !== undefined && parsed.frameBytes >= needed) return { header, frameBytes: parsed.frameBytes };
  }
  throw new Error("no MPEG bitrate gives a frame large enough for the LAME tag");
}

export interface LameTagInput {
  /** The encoder's output: audio frames only. */
  readonly audio: Uint8Array;
  /** Samples per channel that were encoded. */
  readonly samples: number;
  /** "Xing" for VBR streams, "Info" for CBR. */
  readonly vbr: boolean;
  readonly lowpassHz?: number;
}

/** The Xing/Info + LAME frame to put before `audio`. */
export function buildLameTagFrame({ audio, samples, vbr, lowpassHz = 0 }: LameTagInput): Uint8Array {
  const frames = listMpegFrames(audio);
  const tagStart = 4 + frames.sideInfoBytes;
  const { header, frameBytes } = tagFrameHeader(audio, tagStart + TAG_BYTES);
  const frame = new Uint8Array(frameBytes);
  frame.set(header);
  const view = new DataView(frame.buffer);
  const totalBytes = frameBytes + audio.length;
  const frameCount = frames.offsets.length;
  const padding = frameCount * frames.samplesPerFrame - LAME_ENCODER_DELAY - samples;
  if (padding < 0 || padding > 0xfff) throw new Error(`MP3 end padding ${padding} is outside 0..4095`);

  frame.set(
    [...(vbr ? "Xing" : "Info")].map((c) => c.charCodeAt(0)),
    tagStart,
  );
  view.setUint32(tagStart + 4, 0x0f); // frames, bytes, TOC and quality present
  view.setUint32(tagStart + 8, frameCount);
  view.setUint32(tagStart + 12, totalBytes);
  for (let i = 0; i < TOC_ENTRIES; i++) {
    const offset = frames.offsets[Math.min(frameCount - 1, Math.floor((i / TOC_ENTRIES) * frameCount))]!;
    frame[tagStart + 16 + i] = Math.min(255, Math.floor((256 * (frameBytes + offset)) / totalBytes));
  }
  view.setUint32(tagStart + 116, 100); // quality indicator (unused by decoders)
  const lame = tagStart + 120;
  frame.set(
    [..."LAME3.100"].map((c) => c.charCodeAt(0)),
    lame,
  );
  frame[lame + 9] = vbr ? 0x04 : 0x01; // tag revision 0; VBR method: vbr-mtrh or CBR
  frame[lame + 10] = Math.min(255, Math.round(lowpassHz / 100));
  frame[lame + 21] = (LAME_ENCODER_DELAY >> 4) & 0xff;
  frame[lame + 22] = ((LAME_ENCODER_DELAY & 0x0f) << 4) | ((padding >> 8) & 0x0f);
  frame[lame + 23] = padding & 0xff;
  view.setUint32(lame + 28, totalBytes); // music length: this frame and the audio
  view.setUint16(lame + 32, crc16(audio)); // CRC of the audio frames
  view.setUint16(lame + 34, crc16(frame.subarray(0, lame + 34))); // CRC of the frame up to here
  return frame;
}

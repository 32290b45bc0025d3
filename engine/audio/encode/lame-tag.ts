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
  readonly offsets: ArrayLike<number>;
  readonly samplesPerFrame: number;
  /** Side-information bytes after the 4-byte header (where the Xing tag starts). */
  readonly sideInfoBytes: number;
}

/** Follows the frames LAME writes, chunk by chunk: their offsets, the first header, the bytes' CRC-16. */
export class MpegFrameTracker {
  private offsetList = new Float64Array(1024);
  private count = 0;
  private carry = new Uint8Array(0);
  private next = 0;
  private crc = 0;
  private bytes = 0;
  private first: ReturnType<typeof parseMpegFrameHeader>;
  /** The first frame's 4 header bytes, once known. */
  firstHeader: Uint8Array | undefined;

  push(chunk: Uint8Array): void {
    this.crc = crc16(chunk, this.crc);
    // Headers are parsed from the last few bytes kept from before and this chunk.
    const data = new Uint8Array(this.carry.length + chunk.length);
    data.set(this.carry);
    data.set(chunk, this.carry.length);
    const base = this.bytes - this.carry.length;
    this.bytes += chunk.length;
    while (this.next + 4 <= this.bytes) {
      const header = parseMpegFrameHeader(data, this.next - base);
      if (header === undefined) throw new Error(`the MP3 encoder wrote a stray byte at ${this.next}`);
      if (this.first === undefined) {
        this.first = header;
        this.firstHeader = data.slice(this.next - base, this.next - base + 4);
      }
      if (this.count === this.offsetList.length) {
        const grown = new Float64Array(2 * this.count);
        grown.set(this.offsetList);
        this.offsetList = grown;
      }
      this.offsetList[this.count++] = this.next;
      this.next += header.frameBytes;
    }
    this.carry = data.slice(Math.max(0, this.next - base));
  }

  frames(): MpegFrames {
    const first = this.first;
    if (first === undefined) throw new Error("the MP3 encoder wrote no frames");
    if (this.next !== this.bytes) throw new Error("the MP3 encoder's last frame is incomplete");
    const mpeg1 = first.version === 1;
    return {
      offsets: this.offsetList.subarray(0, this.count),
      samplesPerFrame: mpeg1 ? 1152 : 576,
      sideInfoBytes: mpeg1 ? (first.channels === 1 ? 17 : 32) : first.channels === 1 ? 9 : 17,
    };
  }

  get audioBytes(): number {
    return this.bytes;
  }

  get audioCrc(): number {
    return this.crc;
  }
}

/** Walks the frames LAME wrote (no tags, no junk in between). */
export function listMpegFrames(bytes: Uint8Array): MpegFrames {
  const tracker = new MpegFrameTracker();
  tracker.push(bytes);
  return tracker.frames();
}

/** CRC-16 (polynomial 0x8005, reflected), as LAME computes the tag's own CRC; `crc` continues an earlier one. */
function crc16(bytes: Uint8Array, crc = 0): number {
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc & 0xffff;
}

/** A frame header like `first` (the first audio frame's), with the smallest bitrate whose frame holds the tag. */
function tagFrameHeader(first: Uint8Array, needed: number): { header: Uint8Array; frameBytes: number } {
  const header = first.slice(0, 4);
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
  /** The encoder's output (audio frames only), as followed while it was written. */
  readonly audio: MpegFrameTracker;
  /** Samples per channel that were encoded. */
  readonly samples: number;
  /** "Xing" for VBR streams, "Info" for CBR. */
  readonly vbr: boolean;
  readonly lowpassHz?: number;
}

/** The Xing/Info + LAME frame to put before `audio`. */
export function buildLameTagFrame({ audio, samples, vbr, lowpassHz = 0 }: LameTagInput): Uint8Array {
  const frames = audio.frames();
  const { header, frameBytes } = lameTagFrameSize(audio);
  const tagStart = 4 + frames.sideInfoBytes;
  const frame = new Uint8Array(frameBytes);
  frame.set(header);
  const view = new DataView(frame.buffer);
  const totalBytes = frameBytes + audio.audioBytes;
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
  view.setUint16(lame + 32, audio.audioCrc); // CRC of the audio frames
  view.setUint16(lame + 34, crc16(frame.subarray(0, lame + 34))); // CRC of the frame up to here
  return frame;
}

/** The tag frame's header and size, known as soon as the first audio frame's header is (to reserve its place). */
export function lameTagFrameSize(audio: MpegFrameTracker): { header: Uint8Array; frameBytes: number } {
  const first = audio.firstHeader;
  if (first === undefined) throw new Error("the MP3 encoder wrote no frames");
  const parsed = parseMpegFrameHeader(first, 0)!;
  const mono = parsed.channels === 1;
  const sideInfoBytes = parsed.version === 1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  return tagFrameHeader(first, 4 + sideInfoBytes + TAG_BYTES);
}

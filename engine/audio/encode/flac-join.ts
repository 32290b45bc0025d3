import { createHash, type Hash } from "node:crypto";
import { concat } from "./bytes.ts";
import type { FlacSegment } from "./flac-segment.ts";
import type { OutputSink } from "./sink.ts";

/**
 * Joins FLAC segments encoded on their own into one stream. FLAC frames do not depend on each other, so a segment's
 * frames are the one-piece stream's frames except for their number: each frame header's frame number is rewritten
 * (its UTF-8 coding may change length) and the header's CRC-8 and the frame's CRC-16 are computed again. STREAMINFO
 * (first segment's) gets the whole stream's sample count, smallest and largest frame, and MD5 at the end.
 */

const CRC8 = crcTable(0x07, 8);
const CRC16 = crcTable(0x8005, 16);

function crcTable(polynomial: number, width: 8 | 16): Uint16Array {
  const top = 1 << (width - 1);
  const mask = (1 << width) - 1;
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << (width - 8);
    for (let bit = 0; bit < 8; bit++) crc = crc & top ? ((crc << 1) ^ polynomial) & mask : (crc << 1) & mask;
    table[i] = crc;
  }
  return table;
}

export function flacCrc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = CRC8[crc ^ byte]!;
  return crc;
}

export function flacCrc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ byte]!;
  return crc;
}

/** FLAC's "UTF-8" coding of a frame number (up to 31 bits: 1 to 6 bytes). */
export function utf8Number(value: number): number[] {
  if (value < 0x80) return [value];
  const bytes: number[] = [];
  let rest = value;
  let lead = 0x80;
  let room = 0x3f; // payload bits the lead byte still has
  while (rest > room) {
    bytes.unshift(0x80 | (rest & 0x3f));
    rest = Math.floor(rest / 64);
    lead = 0x80 | (lead >> 1);
    room >>= 1;
  }
  return [lead | rest, ...bytes];
}

/** Bytes of a UTF-8 coded number that starts with `first`. */
function utf8Length(first: number): number {
  let length = 0;
  while (length < 7 && first & (0x80 >> length)) length++;
  return length === 0 ? 1 : length;
}

/** `frame` (one whole FLAC frame, fixed block size) numbered `number`, with both CRCs made again. */
export function renumberFlacFrame(frame: Uint8Array, number: number): Uint8Array {
  if (frame[0] !== 0xff || (frame[1]! & 0xfe) !== 0xf8 || frame[1] === 0xf9) {
    throw new Error("not a fixed-block-size FLAC frame");
  }
  const numberEnd = 4 + utf8Length(frame[4]!);
  const sizeCode = frame[2]! >> 4;
  const rateCode = frame[2]! & 0x0f;
  const extra = (sizeCode === 6 ? 1 : sizeCode === 7 ? 2 : 0) + (rateCode === 12 ? 1 : rateCode >= 13 ? 2 : 0);
  const headerEnd = numberEnd + extra; // where the old CRC-8 is
  const coded = utf8Number(number);
  const headLength = 4 + coded.length + extra;
  const out = new Uint8Array(headLength + 1 + (frame.length - headerEnd - 1 - 2) + 2);
  out.set(frame.subarray(0, 4));
  out.set(coded, 4);
  out.set(frame.subarray(numberEnd, headerEnd), 4 + coded.length);
  out[headLength] = flacCrc8(out.subarray(0, headLength));
  out.set(frame.subarray(headerEnd + 1, frame.length - 2), headLength + 1);
  const crc = flacCrc16(out.subarray(0, out.length - 2));
  out[out.length - 2] = crc >> 8;
  out[out.length - 1] = crc & 0xff;
  return out;
}

/** Writes segments, in order, to `sink` as one FLAC stream of `totalSamples` samples. */
export class FlacJoiner {
  private header: Uint8Array | undefined;
  private nextFrame = 0;
  private minFrame = Number.POSITIVE_INFINITY;
  private maxFrame = 0;
  private readonly md5: Hash = createHash("md5");

  constructor(
    private readonly sink: OutputSink,
    private readonly totalSamples: number,
  ) {}

  async add(segment: FlacSegment): Promise<void> {
    if (this.header === undefined) {
      this.header = segment.header.slice();
      await this.sink.write(this.header);
    }
    this.md5.update(segment.signatureBytes);
    const renumber = this.nextFrame > 0;
    let offset = 0;
    const out: Uint8Array[] = [];
    for (const size of segment.frameSizes) {
      const frame = segment.frames.subarray(offset, offset + size);
      offset += size;
      const written = renumber ? renumberFlacFrame(frame, this.nextFrame) : frame;
      this.nextFrame++;
      this.minFrame = Math.min(this.minFrame, written.length);
      this.maxFrame = Math.max(this.maxFrame, written.length);
      out.push(written);
    }
    await this.sink.write(concat(out));
  }

  /** Patches STREAMINFO: frame sizes, the sample count and the MD5 of every sample. */
  async finish(): Promise<void> {
    const header = this.header;
    if (header === undefined) throw new Error("no FLAC segment was written");
    const info = 8;
    const put24 = (at: number, value: number) =>
      header.set([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff], info + at);
    put24(4, this.minFrame);
    put24(7, this.maxFrame);
    const total = this.totalSamples;
    header[info + 13] = (header[info + 13]! & 0xf0) | (Math.floor(total / 2 ** 32) & 0x0f);
    new DataView(header.buffer, header.byteOffset).setUint32(info + 14, total >>> 0);
    header.set(this.md5.digest(), info + 18);
    await this.sink.patch(0, header.subarray(0, info + 34));
  }
}

/**
 * Ogg pages, read just far enough to tell which codec a stream carries and whether the
 * file is complete. Decoding is left to the codec libraries.
 */

/** Codec named by the first packet of a logical stream (its beginning-of-stream page). */
export type OggCodec = "vorbis" | "opus" | "flac" | "speex" | "theora" | "skeleton" | "pcm" | "unknown";

export interface OggInspection {
  /** Codec of each logical stream, in the order their first pages appear. */
  readonly codecs: readonly OggCodec[];
  /**
   * Every page is whole, and the last page of each stream carries the end-of-stream flag or, without it, its
   * checksum is right: some encoders never set the flag (ffmpeg plays such files without a word), while a file cut
   * inside its last page fails the length check.
   */
  readonly complete: boolean;
  /** The last page of each stream carries the end-of-stream flag (only then do the decoders end on its granule). */
  readonly flaggedEnd: boolean;
}

const PAGE_HEADER_BYTES = 27;
const FLAG_BEGINNING_OF_STREAM = 0x02;
const FLAG_END_OF_STREAM = 0x04;

export function isOggPage(bytes: Uint8Array, offset = 0): boolean {
  return (
    offset + 4 <= bytes.length &&
    bytes[offset] === 0x4f && // O
    bytes[offset + 1] === 0x67 && // g
    bytes[offset + 2] === 0x67 && // g
    bytes[offset + 3] === 0x53 // S
  );
}

function startsWith(bytes: Uint8Array, offset: number, signature: readonly number[]): boolean {
  return signature.every((value, i) => bytes[offset + i] === value);
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const CODEC_SIGNATURES: ReadonlyArray<readonly [OggCodec, readonly number[]]> = [
  ["vorbis", [0x01, ...ascii("vorbis")]],
  ["opus", ascii("OpusHead")],
  ["flac", [0x7f, ...ascii("FLAC")]],
  ["speex", ascii("Speex   ")],
  ["theora", [0x80, ...ascii("theora")]],
  ["skeleton", ascii("fishead\0")],
  ["pcm", ascii("PCM     ")],
];

function codecOf(bytes: Uint8Array, packetStart: number): OggCodec {
  for (const [codec, signature] of CODEC_SIGNATURES) {
    if (startsWith(bytes, packetStart, signature)) return codec;
  }
  return "unknown";
}

/** Walks all pages of an Ogg file (bytes must start with "OggS"). */
export function inspectOgg(bytes: Uint8Array): OggInspection {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const codecs: OggCodec[] = [];
  const lastPages = new Map<number, { readonly start: number; readonly end: number; readonly ended: boolean }>();
  let offset = 0;
  let pagesWhole = true;
  while (offset < bytes.length) {
    if (!isOggPage(bytes, offset) || offset + PAGE_HEADER_BYTES > bytes.length) {
      pagesWhole = false;
      break;
    }
    const flags = bytes[offset + 5]!;
    const serial = view.getUint32(offset + 14, true);
    const segmentCount = bytes[offset + 26]!;
    const lacingStart = offset + PAGE_HEADER_BYTES;
    if (lacingStart + segmentCount > bytes.length) {
      pagesWhole = false;
      break;
    }
    let bodyBytes = 0;
    for (let i = 0; i < segmentCount; i++) bodyBytes += bytes[lacingStart + i]!;
    const bodyStart = lacingStart + segmentCount;
    if (bodyStart + bodyBytes > bytes.length) {
      pagesWhole = false;
      break;
    }
    if ((flags & FLAG_BEGINNING_OF_STREAM) !== 0) codecs.push(codecOf(bytes, bodyStart));
    const pageEnd = bodyStart + bodyBytes;
    lastPages.set(serial, { start: offset, end: pageEnd, ended: (flags & FLAG_END_OF_STREAM) !== 0 });
    offset = pageEnd;
  }
  // Checked for the last pages only: a checksum over every page would cost a pass over the file for nothing.
  const endsWell = (page: { start: number; end: number; ended: boolean }) =>
    page.ended || pageChecksum(bytes.subarray(page.start, page.end)) === view.getUint32(page.start + 22, true);
  const ends = [...lastPages.values()];
  const allEnded = ends.length > 0 && ends.every(endsWell);
  return { codecs, complete: pagesWhole && allEnded, flaggedEnd: ends.length > 0 && ends.every((page) => page.ended) };
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let crc = n << 24;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  return crc >>> 0;
});

/** The CRC-32 of an Ogg page (polynomial 0x04c11db7, unreflected, zero start) with its own checksum field as zeros. */
export function pageChecksum(page: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i]!;
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

/** Samples an Opus decoder drops at the start (OpusHead's pre-skip, at 48 kHz), or 0 without an OpusHead. */
export function opusPreSkip(bytes: Uint8Array): number {
  const head = ascii("OpusHead");
  const end = Math.min(bytes.length - 12, 65_536);
  for (let i = 0; i < end; i++) {
    if (startsWith(bytes, i, head)) return bytes[i + 10]! | (bytes[i + 11]! << 8);
  }
  return 0;
}

/**
 * Granule position of the last complete page header found in `tail` (the end of a stream), or undefined: the
 * stream's length in samples (Vorbis: at its rate; Opus: at 48 kHz, its pre-skip included).
 */
export function lastGranulePosition(tail: Uint8Array): bigint | undefined {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let i = tail.length - PAGE_HEADER_BYTES; i >= 0; i--) {
    if (isOggPage(tail, i) && tail[i + 4] === 0) {
      const granule = view.getBigInt64(i + 6, true);
      if (granule >= 0n) return granule;
    }
  }
  return undefined;
}

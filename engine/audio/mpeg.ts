/**
 * MPEG audio (MP1/MP2/MP3) frame headers: enough to recognise an MP3 stream from its bytes, to tell whether its
 * last frame is complete and how many samples its frames hold. Decoding itself is mpg123-decoder's job.
 */

export interface MpegFrameHeader {
  /** 1 = MPEG-1, 2 = MPEG-2, 2.5 = MPEG-2.5 */
  readonly version: 1 | 2 | 2.5;
  readonly layer: 1 | 2 | 3;
  readonly sampleRate: number;
  /** Bytes from this header to the next one. */
  readonly frameBytes: number;
  /** 1 for single-channel frames, else 2 (stereo, joint stereo, dual mono). */
  readonly channels: 1 | 2;
  /** Highest bitrate (bit/s) this version and layer allow (320 kbit/s for MPEG-1 Layer III). */
  readonly maxBitrate: number;
  /** Samples per channel one frame decodes to: 384 (Layer I), 1152, or 576 (Layer III of MPEG-2 and 2.5). */
  readonly samplesPerFrame: number;
}

const BITRATES_KBPS: Record<string, readonly number[]> = {
  "1-1": [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "2-3": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};

const SAMPLE_RATES: Record<string, readonly number[]> = {
  "1": [44100, 48000, 32000],
  "2": [22050, 24000, 16000],
  "2.5": [11025, 12000, 8000],
};

/** Parses the 4-byte header at `offset`; undefined when it is not a valid, fixed-bitrate frame header. */
export function parseMpegFrameHeader(bytes: Uint8Array, offset: number): MpegFrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  // Free-format (index 0) streams cannot be walked frame by frame; they are vanishingly rare.
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) {
    return undefined;
  }
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const kbps = BITRATES_KBPS[`${version === 1 ? 1 : 2}-${layer}`]![bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[String(version)]![rateIndex]!;
  const padding = (b2 >> 1) & 1;
  const bitrate = kbps * 1000;
  let frameBytes: number;
  if (layer === 1) frameBytes = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
  else if (layer === 3 && version !== 1) frameBytes = Math.floor((72 * bitrate) / sampleRate) + padding;
  else frameBytes = Math.floor((144 * bitrate) / sampleRate) + padding;
  const channels = bytes[offset + 3]! >> 6 === 3 ? 1 : 2;
  const maxBitrate = BITRATES_KBPS[`${version === 1 ? 1 : 2}-${layer}`]![14]! * 1000;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  return { version, layer, sampleRate, frameBytes, channels, maxBitrate, samplesPerFrame };
}

/** Bytes taken by ID3v2 tags at the very start (several may follow each other). */
export function leadingId3v2Bytes(bytes: Uint8Array): number {
  let start = 0;
  for (let tag = id3v2Size(bytes, start); tag > 0; tag = id3v2Size(bytes, start)) start += tag;
  return start;
}

/**
 * The least duration `totalBytes` of MPEG audio can hold, whose first frame is at `firstFrame` in `start`
 * (the file's first bytes): even at the format's highest bitrate, so many bytes take at least this long.
 * A header (Xing/Info frame count) claiming less is lying: the decoder would produce more.
 */
export function mpegDurationFloorSeconds(
  start: Uint8Array,
  firstFrame: number,
  totalBytes: number,
): number | undefined {
  const header = parseMpegFrameHeader(start, firstFrame);
  if (header === undefined) return undefined;
  const TRAILING_TAGS = 128 + 32 * 1024; // ID3v1 and a generous APEv2/Lyrics allowance
  return (Math.max(0, totalBytes - firstFrame - TRAILING_TAGS) * 8) / header.maxBitrate;
}

/** Bytes taken by an ID3v2 tag at `offset` (0 when there is none). */
export function id3v2Size(bytes: Uint8Array, offset = 0): number {
  if (offset + 10 > bytes.length) return 0;
  if (bytes[offset] !== 0x49 || bytes[offset + 1] !== 0x44 || bytes[offset + 2] !== 0x33) return 0; // "ID3"
  const syncsafe =
    ((bytes[offset + 6]! & 0x7f) << 21) |
    ((bytes[offset + 7]! & 0x7f) << 14) |
    ((bytes[offset + 8]! & 0x7f) << 7) |
    (bytes[offset + 9]! & 0x7f);
  const hasFooter = (bytes[offset + 5]! & 0x10) !== 0;
  return 10 + syncsafe + (hasFooter ? 10 : 0);
}

/** How far past the start (and any ID3v2 tag) to look for the first frame: encoders may pad with zeros. */
const SYNC_SEARCH_BYTES = 8192;

/**
 * Offset of the first MPEG audio frame that is followed by a second valid frame (or by the end of
 * the data), looking just after any ID3v2 tags; undefined when there is none. Requiring two frames
 * in a row keeps random bytes that happen to contain 0xFFE from passing as MP3.
 */
export function findFirstMpegFrame(bytes: Uint8Array): number | undefined {
  const start = leadingId3v2Bytes(bytes);
  const end = Math.min(bytes.length - 4, start + SYNC_SEARCH_BYTES);
  for (let offset = start; offset <= end; offset++) {
    const header = parseMpegFrameHeader(bytes, offset);
    if (header === undefined) continue;
    const next = offset + header.frameBytes;
    if (next === bytes.length || parseMpegFrameHeader(bytes, next) !== undefined) return offset;
  }
  return undefined;
}

export interface MpegFrameWalk {
  /** The first run of frames ends inside a frame (a cut-off file). */
  readonly truncated: boolean;
  /**
   * Samples per channel in every frame found, past any junk between runs of frames as the decoder resyncs: at least
   * what they decode to (the decoder drops the encoder's delay and a Xing/Info frame).
   */
  readonly samples: number;
}

/**
 * Walks the frames from `firstFrame`, counting their samples. The first run of frames decides `truncated`: ending at
 * a tag (ID3v1, APE) or other non-frame bytes counts as complete. Frames after such bytes (two valid headers in a
 * row, as findFirstMpegFrame asks) are counted too, since the decoder finds them.
 */
export function walkMpegFrames(bytes: Uint8Array, firstFrame: number): MpegFrameWalk {
  const first = walkRun(bytes, firstFrame);
  let samples = first.samples;
  for (let offset = first.end + 1; offset + 4 <= bytes.length && !first.truncated; offset++) {
    const header = parseMpegFrameHeader(bytes, offset);
    if (header === undefined) continue;
    const next = offset + header.frameBytes;
    if (next !== bytes.length && parseMpegFrameHeader(bytes, next) === undefined) continue;
    const run = walkRun(bytes, offset);
    samples += run.samples;
    offset = run.end;
  }
  return { truncated: first.truncated, samples };
}

/** One run of back-to-back frames from `start`: its samples, where it ends and whether its last frame is cut. */
function walkRun(bytes: Uint8Array, start: number): { samples: number; end: number; truncated: boolean } {
  let offset = start;
  let samples = 0;
  for (;;) {
    const header = parseMpegFrameHeader(bytes, offset);
    if (header === undefined) {
      // A header cut in the middle: the last 1-3 bytes start with the sync byte.
      const cut = bytes.length - offset < 4 && bytes.length - offset > 0 && bytes[offset] === 0xff;
      return { samples, end: offset, truncated: cut };
    }
    if (offset + header.frameBytes > bytes.length) return { samples, end: offset, truncated: true };
    samples += header.samplesPerFrame;
    offset += header.frameBytes;
    if (offset === bytes.length) return { samples, end: offset, truncated: false };
  }
}

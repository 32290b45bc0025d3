import { parseMpegFrameHeader } from "../mpeg.ts";

/**
 * An MP3 stream taken apart into what each frame says (header and side information) and the main data it carries.
 * Layer III frames do not hold their own data: with the bit reservoir, a frame's data begins `main_data_begin` bytes
 * before the frame, in the room earlier frames left. Taken apart, frames from different encoders can be laid out
 * again as one stream (mp3-pack.ts) with their data where the new neighbours leave room for it.
 */
export interface Mp3Frames {
  readonly count: number;
  /** 4 header bytes per frame. */
  readonly headers: Uint8Array;
  /** `sideInfoBytes` per frame. */
  readonly sideInfo: Uint8Array;
  readonly sideInfoBytes: number;
  /** Each frame's main data, back to back: frame i's is mainData[mainOffsets[i], mainOffsets[i + 1]). */
  readonly mainData: Uint8Array;
  readonly mainOffsets: Uint32Array;
  /** main_data_begin as the encoder wrote it: the reservoir each frame drew on. */
  readonly begins: Uint16Array;
}

/** Bits of side information per granule and channel before the next one: MPEG-1 and MPEG-2/2.5 ("LSF"). */
const GRANULE_BITS = { mpeg1: 59, lsf: 63 } as const;

export function sideInfoLayout(header: Uint8Array) {
  const parsed = parseMpegFrameHeader(header, 0);
  if (parsed === undefined || parsed.layer !== 3) throw new Error("not an MPEG Layer III frame header");
  const mono = parsed.channels === 1;
  const mpeg1 = parsed.version === 1;
  return {
    mpeg1,
    channels: parsed.channels,
    granules: mpeg1 ? 2 : 1,
    bytes: mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17,
    /** Where the first part2_3_length is, in bits from the side information's start. */
    firstGranuleBit: mpeg1 ? 9 + (mono ? 5 : 3) + 4 * parsed.channels : 8 + (mono ? 1 : 2),
    granuleBits: mpeg1 ? GRANULE_BITS.mpeg1 : GRANULE_BITS.lsf,
    beginBits: mpeg1 ? 9 : 8,
  };
}

function readBits(bytes: Uint8Array, bit: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const at = bit + i;
    value = (value << 1) | ((bytes[at >> 3]! >> (7 - (at & 7))) & 1);
  }
  return value;
}

/** Writes main_data_begin (the first `bits` bits of the side information). */
export function setMainDataBegin(sideInfo: Uint8Array, bits: number, value: number): void {
  for (let i = 0; i < bits; i++) {
    const bit = (value >> (bits - 1 - i)) & 1;
    sideInfo[i >> 3] = (sideInfo[i >> 3]! & ~(0x80 >> (i & 7))) | (bit << (7 - (i & 7)));
  }
}

/** Takes apart a stream of Layer III frames without CRCs (as LAME writes by default), back to back, no tags. */
export function splitMp3Frames(bytes: Uint8Array): Mp3Frames {
  const offsets: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    const header = parseMpegFrameHeader(bytes, at);
    if (header === undefined || at + header.frameBytes > bytes.length)
      throw new Error(`no whole MP3 frame at byte ${at}`);
    offsets.push(at);
    at += header.frameBytes;
  }
  const count = offsets.length;
  const layout = count > 0 ? sideInfoLayout(bytes.subarray(offsets[0]!, offsets[0]! + 4)) : undefined;
  const sideBytes = layout?.bytes ?? 0;
  const headers = new Uint8Array(count * 4);
  const sideInfo = new Uint8Array(count * sideBytes);
  const begins = new Uint16Array(count);
  const mainOffsets = new Uint32Array(count + 1);
  // The slots (what follows header and side information) back to back: where main data lives.
  const slots: Uint8Array[] = [];
  const slotStarts: number[] = [];
  let slotTotal = 0;
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = offsets[i]!;
    const end = i + 1 < count ? offsets[i + 1]! : bytes.length;
    if ((bytes[at + 1]! & 1) === 0) throw new Error("MP3 frames with CRCs cannot be joined here");
    headers.set(bytes.subarray(at, at + 4), 4 * i);
    const side = bytes.subarray(at + 4, at + 4 + sideBytes);
    sideInfo.set(side, i * sideBytes);
    begins[i] = readBits(side, 0, layout!.beginBits);
    let bits = 0;
    for (let g = 0; g < layout!.granules * layout!.channels; g++) {
      bits += readBits(side, layout!.firstGranuleBit + g * layout!.granuleBits, 12);
    }
    sizes.push(Math.ceil(bits / 8));
    slotStarts.push(slotTotal);
    slots.push(bytes.subarray(at + 4 + sideBytes, end));
    slotTotal += end - at - 4 - sideBytes;
  }
  const stream = new Uint8Array(slotTotal);
  for (let i = 0; i < count; i++) stream.set(slots[i]!, slotStarts[i]!);
  for (let i = 0; i < count; i++) mainOffsets[i + 1] = mainOffsets[i]! + sizes[i]!;
  const mainData = new Uint8Array(mainOffsets[count]!);
  for (let i = 0; i < count; i++) {
    const start = slotStarts[i]! - begins[i]!;
    if (start < 0) throw new Error(`MP3 frame ${i} draws on a reservoir before the stream`);
    mainData.set(stream.subarray(start, start + sizes[i]!), mainOffsets[i]!);
  }
  return { count, headers, sideInfo, sideInfoBytes: sideBytes, mainData, mainOffsets, begins };
}

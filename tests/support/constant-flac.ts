/**
 * A FLAC written by hand with CONSTANT subframes: each block of every channel is one 16-bit value, so a file of
 * any rate, channel count and length is a few bytes a block (issue 20's 8 ch x 640 kHz x 1190 s is 1.6 MB).
 * `declaredFrames` is what STREAMINFO claims (default: the truth; 0 = unknown).
 */
export interface ConstantFlac {
  readonly sampleRate: number;
  readonly channels: number;
  readonly seconds: number;
  readonly level?: number;
  readonly declaredFrames?: number;
}

const BLOCK_FRAMES = 16_384;

function crc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: readonly number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** FLAC's UTF-8-like coding of the frame number. */
function utf8Number(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  let rest = n;
  let limit = 0x40;
  while (rest >= limit) {
    bytes.unshift(0x80 | (rest & 0x3f));
    rest = Math.floor(rest / 64);
    limit >>= 1;
  }
  const lead = (0xff << (7 - bytes.length)) & 0xff;
  return [lead | rest, ...bytes];
}

function streamInfo(sampleRate: number, channels: number, declared: number): number[] {
  const bits: number[] = [];
  const put = (value: number, width: number) => {
    for (let i = width - 1; i >= 0; i--) bits.push(Math.floor(value / 2 ** i) % 2);
  };
  put(BLOCK_FRAMES, 16);
  put(BLOCK_FRAMES, 16);
  put(0, 24);
  put(0, 24);
  put(sampleRate, 20);
  put(channels - 1, 3);
  put(15, 5); // 16 bits per sample
  put(declared, 36);
  const bytes = Array.from({ length: bits.length / 8 }, (_, i) =>
    bits.slice(i * 8, i * 8 + 8).reduce((byte, bit) => byte * 2 + bit, 0),
  );
  return [...bytes, ...new Array<number>(16).fill(0)]; // MD5 unknown
}

const RATE_CODES = new Map([
  [88_200, 1],
  [176_400, 2],
  [192_000, 3],
  [8_000, 4],
  [16_000, 5],
  [22_050, 6],
  [24_000, 7],
  [32_000, 8],
  [44_100, 9],
  [48_000, 10],
  [96_000, 11],
]);

/** The frame header's rate code and the bytes it needs after the block size (tens of Hz for other rates). */
function rateCoding(rate: number): [number, number[]] {
  const code = RATE_CODES.get(rate);
  if (code !== undefined) return [code, []];
  if (rate % 10 === 0 && rate / 10 < 65_536) return [14, [(rate / 10) >> 8, (rate / 10) & 0xff]];
  throw new RangeError(`no frame-header coding for ${rate} Hz`);
}

function frame(index: number, frames: number, channels: number, rate: number, value: number): number[] {
  const [rateCode, rateBytes] = rateCoding(rate);
  const blockSize = [(frames - 1) >> 8, (frames - 1) & 0xff];
  // 0x70 | rate: 16-bit block size at the end; 0x08: 16 bits per sample.
  const header = [
    0xff,
    0xf8,
    0x70 | rateCode,
    ((channels - 1) << 4) | 0x08,
    ...utf8Number(index),
    ...blockSize,
    ...rateBytes,
  ];
  header.push(crc8(header));
  const body = [...header];
  for (let c = 0; c < channels; c++) body.push(0x00, (value >> 8) & 0xff, value & 0xff);
  const crc = crc16(body);
  return [...body, crc >> 8, crc & 0xff];
}

export function constantFlac(spec: ConstantFlac): Uint8Array {
  const total = Math.round(spec.seconds * spec.sampleRate);
  const value = Math.round((spec.level ?? 0.25) * 32768) & 0xffff;
  const parts: number[][] = [
    [0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34],
    streamInfo(spec.sampleRate, spec.channels, spec.declaredFrames ?? total),
  ];
  let bytes = parts.reduce((n, p) => n + p.length, 0);
  for (let index = 0, done = 0; done < total; index++, done += BLOCK_FRAMES) {
    const part = frame(index, Math.min(BLOCK_FRAMES, total - done), spec.channels, spec.sampleRate, value);
    parts.push(part);
    bytes += part.length;
  }
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

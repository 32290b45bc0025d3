import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findFirstMpegFrame, leadingId3v2Bytes } from "../../engine/audio/mpeg.ts";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/audio");
export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(resolve(FIXTURES, name)));

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

/** The MP3 fixture with its Info header's frame count set to claim `seconds` (44.1 kHz, 1152 samples a frame). */
export function mp3Claiming(seconds: number, mp3 = fixture("sine440-stereo-44k1.mp3")): Uint8Array {
  const out = mp3.slice();
  const info = Buffer.from(out).indexOf("Info");
  if (info < 0 || (out[info + 7]! & 1) === 0) throw new Error("fixture has no Info frame count");
  new DataView(out.buffer).setUint32(info + 8, Math.round((seconds * 44_100) / 1152));
  return out;
}

/**
 * The 2 s MP3 fixture with its audio frames repeated `times` times and its Info header claiming
 * `claimSeconds`: the file holds 2 x `times` s (an MP3 decompression bomb in miniature).
 */
export function mp3WithLyingInfoHeader(times: number, claimSeconds = 2): Uint8Array {
  const mp3 = mp3Claiming(claimSeconds);
  const first = findFirstMpegFrame(mp3)!; // the Info frame
  const frameBytes = (144 * 128_000) / 44_100; // approximate; only used to find the next sync below
  let audio = first + Math.floor(frameBytes) - 8;
  while (!(mp3[audio] === 0xff && (mp3[audio + 1]! & 0xe0) === 0xe0)) audio++;
  return concat([mp3.subarray(0, audio), ...Array.from({ length: times }, () => mp3.subarray(audio))]);
}

/** The 2 s stereo FLAC fixture with its STREAMINFO total-samples field set to `frames` (0 = unknown). */
export function flacDeclaring(frames: number): Uint8Array {
  const flac = fixture("sine440-stereo-44k1.flac").slice();
  const streamInfo = leadingId3v2Bytes(flac) + 8;
  flac[streamInfo + 13] = (flac[streamInfo + 13]! & 0xf0) | Math.floor(frames / 2 ** 32);
  new DataView(flac.buffer).setUint32(streamInfo + 14, frames % 2 ** 32);
  return flac;
}

/** An MP3 whose ID3v2 tag (a fake cover image) is `tagBytes` long, followed by the 2 s fixture's audio. */
export function mp3WithLargeTag(tagBytes: number, claimSeconds = 2): Uint8Array {
  const mp3 = mp3Claiming(claimSeconds);
  const audio = mp3.subarray(leadingId3v2Bytes(mp3));
  const body = tagBytes - 10;
  const header = Uint8Array.from([
    0x49,
    0x44,
    0x33,
    4,
    0,
    0,
    (body >> 21) & 0x7f,
    (body >> 14) & 0x7f,
    (body >> 7) & 0x7f,
    body & 0x7f,
  ]);
  return concat([header, new Uint8Array(body), audio]);
}

/** The first frame of the MP3 fixture followed by `garbageBytes` of noise. */
export function mp3HeaderThenGarbage(garbageBytes: number, claimSeconds = 2): Uint8Array {
  const mp3 = mp3Claiming(claimSeconds);
  const first = findFirstMpegFrame(mp3)!;
  let seed = 12345;
  const noise = Uint8Array.from({ length: garbageBytes }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 24;
  });
  return concat([mp3.subarray(0, first + 2000), noise]);
}

import { crc32 } from "node:zlib";

/**
 * The mark on every file the harmonizer writes beside a result (the picture's PNG "Software" text, the page's
 * generator meta tag, the report's "generator" field), so that an adapter can tell its own earlier files, which it
 * may replace, from a user's files of the same name, which it must not.
 */
export const GENERATOR = "Emotions Harmonizer";

const PNG_SIGNATURE_BYTES = 8;
/** The IHDR chunk: length (4), type (4), 13 bytes of data, CRC (4). */
const IHDR_CHUNK_BYTES = 25;

/** The PNG with a tEXt chunk "Software" = GENERATOR right after its header chunk. */
export function signPng(png: Uint8Array): Uint8Array {
  const data = new TextEncoder().encode(`Software\u0000${GENERATOR}`);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode("tEXt"), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const at = PNG_SIGNATURE_BYTES + IHDR_CHUNK_BYTES;
  const signed = new Uint8Array(png.length + chunk.length);
  signed.set(png.subarray(0, at));
  signed.set(chunk, at);
  signed.set(png.subarray(at), at + chunk.length);
  return signed;
}

/** Whether `bytes`, the start of an existing file, carry the mark (see GENERATOR). */
export function isSignedByHarmonizer(bytes: Uint8Array): boolean {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 4096));
  return (
    head.includes(`tEXtSoftware\u0000${GENERATOR}`) ||
    head.includes(`<meta name="generator" content="${GENERATOR}">`) ||
    head.includes(`"generator": "${GENERATOR}"`)
  );
}

import { HarmonizerInputError } from "../../engine/errors.ts";

/** Where a RIFF/RIFX WAVE file's data chunk starts and how many bytes it declares; undefined if not in `start`. */
export function wavDataChunk(start: Uint8Array): { readonly offset: number; readonly size: number } | undefined {
  const tag = (at: number) => String.fromCharCode(...start.subarray(at, at + 4));
  const riff = tag(0);
  if ((riff !== "RIFF" && riff !== "RIFX") || tag(8) !== "WAVE") return undefined;
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  const littleEndian = riff === "RIFF";
  for (let at = 12; at + 8 <= start.length; ) {
    const size = view.getUint32(at + 4, littleEndian);
    if (tag(at) === "data") return { offset: at + 8, size };
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/**
 * A WAV whose data chunk declares more bytes than the object holds is cut off: the worker's decoder refuses it,
 * so the validator does too (its header duration would be a lie). Streamed WAVs (size 0xFFFFFFFF) and RF64 pass.
 */
export function checkWavSize(start: Uint8Array, contentLength: number): void {
  const data = wavDataChunk(start);
  if (data === undefined || data.size === 0xffffffff) return;
  const available = contentLength - data.offset;
  if (data.size > available) {
    throw new HarmonizerInputError(
      "CORRUPT_AUDIO",
      `corrupt WAV file: the data chunk declares ${data.size} bytes but the file holds only ${available} (truncated?)`,
    );
  }
}

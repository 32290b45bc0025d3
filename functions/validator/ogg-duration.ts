/**
 * Duration of an Ogg stream from its last page: the granule position of the final page counts
 * samples (Vorbis: at the stream's rate; Opus: always at 48 kHz, including the encoder's pre-skip,
 * which is ignored here: it is a few milliseconds). Used because the validator reads only the start
 * of an upload, where music-metadata cannot see the last page.
 */
const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const OPUS_GRANULE_RATE = 48_000;

/** Granule position of the last complete page header found in `tail`, or undefined. */
export function lastGranulePosition(tail: Uint8Array): bigint | undefined {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let i = tail.length - 27; i >= 0; i--) {
    if (CAPTURE.every((byte, j) => tail[i + j] === byte) && tail[i + 4] === 0) {
      const granule = view.getBigInt64(i + 6, true);
      if (granule >= 0n) return granule;
    }
  }
  return undefined;
}

/** Seconds of an Ogg Vorbis/Opus stream whose last bytes are `tail`. */
export function oggDurationSeconds(
  tail: Uint8Array,
  codec: "ogg-vorbis" | "ogg-opus",
  sampleRate: number,
): number | undefined {
  const granule = lastGranulePosition(tail);
  if (granule === undefined) return undefined;
  const rate = codec === "ogg-opus" ? OPUS_GRANULE_RATE : sampleRate;
  return Number(granule) / rate;
}

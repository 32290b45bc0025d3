/**
 * Duration of an Ogg stream from its last page: the granule position of the final page counts
 * samples (Vorbis: at the stream's rate; Opus: always at 48 kHz, including the encoder's pre-skip,
 * which is ignored here: it is a few milliseconds). Used because the validator reads only the start
 * of an upload, where music-metadata cannot see the last page.
 */
import { lastGranulePosition } from "../../engine/audio/ogg.ts";

export { lastGranulePosition };
const OPUS_GRANULE_RATE = 48_000;

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

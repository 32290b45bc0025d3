import { checkInput, decodeAudio } from "../audio/index.ts";
import type { AudioFormat } from "../audio/format.ts";
import { DEFAULT_LIMITS, type InputLimits } from "../limits.ts";
import { findLoopPoints, type LoopSearch, type LoopSearchOptions } from "./loop-points.ts";

export { failedLimit, type LoopPoints, type LoopSearch, SEAMLESS } from "./loop-points.ts";
export type { LoopJoin } from "./loop-join.ts";

export interface SongLoop {
  readonly format: AudioFormat;
  /** The rate the loop's sample positions count in: the decoded song's (48 kHz for Opus). */
  readonly sampleRate: number;
  /** The song's length, samples. */
  readonly length: number;
  readonly search: LoopSearch;
}

/**
 * The best seamless loop of a song given as the bytes of its file, with the extension's input checks (not audio,
 * too short, too long, silent: HarmonizerInputError) and its limits.
 */
export async function findSongLoop(
  bytes: Uint8Array,
  options: LoopSearchOptions & { readonly limits?: InputLimits } = {},
): Promise<SongLoop> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const decoded = await decodeAudio(bytes, { maxSeconds: limits.maxInputSeconds });
  checkInput(decoded, limits);
  const audio = { sampleRate: decoded.sampleRate, channels: decoded.channels };
  return {
    format: decoded.format,
    sampleRate: decoded.sampleRate,
    length: decoded.channels[0]?.length ?? 0,
    search: findLoopPoints(audio, options),
  };
}

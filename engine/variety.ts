/**
 * The variety rules for an extension, shared by the planner (engine/remix) and the quality targets (engine/quality).
 * A result that adds as much as the song's own length or more must be re-sequenced: no stretch after the intro longer
 * than MAX_VERBATIM_SECONDS is copied contiguously, and no stretch of MAX_REPEAT_SECONDS plays twice in the same order.
 * A small addition is better made by a repeat or two of whole phrases, leaving the song in its own order: the limits
 * grow towards the song's length as the addition shrinks (see scaledLimitSeconds).
 */

/** After the intro, no stretch longer than this is copied contiguously from the input (additions of a song or more). */
export const MAX_VERBATIM_SECONDS = 45;
/** No stretch of the output this long occurs twice in the same order (additions of a song or more). */
export const MAX_REPEAT_SECONDS = 30;

/**
 * A variety limit for a result that adds `addedSeconds` to a song of `songSeconds`: `base` when the addition is the
 * song's length or more, rising linearly to the song's length as the addition shrinks to nothing (adding 10 s to a
 * 4-minute song may leave 3:52 of it untouched; adding 2 minutes, 2:22). Infinity when nothing is added (a shortened
 * or unchanged song is the song's own material in its own order).
 */
export function scaledLimitSeconds(base: number, songSeconds: number, addedSeconds: number): number {
  if (!(addedSeconds > 0) || !(songSeconds > 0)) return Number.POSITIVE_INFINITY;
  const share = Math.min(1, addedSeconds / songSeconds);
  return Math.max(base, base + (songSeconds - base) * (1 - share));
}

/**
 * When the song's phrases run out of fresh orders and a stretch must play again, the two plays of the same 30 s should
 * start at least this many song lengths apart (the planner spreads them: engine/remix/block-reuse.ts).
 */
export const MIN_REPEAT_DISTANCE_SONGS = 2;

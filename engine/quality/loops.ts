/** Back-to-back repeats shorter than this are not reported (a held note is not a loop). */
const MIN_REPEAT_SECONDS = 2;
/**
 * Distance (beat-vector units: unit chroma, MFCC z-scores / sqrt(13), level / 6 dB) under which two one-beat
 * blocks count as the same audio. Copies misaligned by half an analysis frame measure about 0.1; different
 * beats of a song are usually above 0.5.
 */
export const NEAR_IDENTICAL_DISTANCE = 0.3;
/** Share of a candidate repeat's blocks that must match (a few misaligned transients are forgiven). */
const MATCHING_SHARE = 0.8;

/**
 * One-beat block vectors starting at every analysis frame, with a silence flag per block.
 * `at(i)` describes frames [i, i + blockFrames); blocks are compared `stride` frames apart.
 */
export interface SlidingBlocks {
  readonly count: number;
  readonly blockFrames: number;
  readonly stride: number;
  readonly frameSeconds: number;
  at(i: number): Float32Array;
  silent(i: number): boolean;
}

/** Euclidean distance below `limit`, giving up as soon as it can't be. */
function closerThan(a: Float32Array, b: Float32Array, limit: number): boolean {
  const bound = limit * limit;
  let sum = 0;
  for (let d = 0; d < a.length; d++) {
    const diff = a[d]! - b[d]!;
    sum += diff * diff;
    if (sum >= bound) return false;
  }
  return true;
}

/**
 * Shortest period (seconds) at which a stretch is followed straight away by a near-identical copy of itself:
 * along each lag (one analysis frame resolution) of the self-similarity of one-beat blocks, a window at least
 * one period and 2 s long where 80 % of the blocks match. Silent blocks never match. 0 when no period up to
 * maxPeriodSeconds repeats.
 */
export function shortestLoopSeconds(blocks: SlidingBlocks, maxPeriodSeconds = 40): number {
  const { count, blockFrames, stride, frameSeconds } = blocks;
  const maxLag = Math.min(count - 1, Math.floor(maxPeriodSeconds / frameSeconds));
  const minRunFrames = MIN_REPEAT_SECONDS / frameSeconds;
  for (let lag = blockFrames; lag <= maxLag; lag++) {
    const window = Math.ceil(Math.max(lag, minRunFrames) / stride);
    const matches: number[] = [];
    let inWindow = 0;
    for (let i = 0; i + lag < count; i += stride) {
      const match = !blocks.silent(i) && !blocks.silent(i + lag) && closerThan(blocks.at(i), blocks.at(i + lag), NEAR_IDENTICAL_DISTANCE);
      matches.push(match ? 1 : 0);
      inWindow += match ? 1 : 0;
      if (matches.length > window) inWindow -= matches[matches.length - 1 - window]!;
      if (matches.length >= window && inWindow >= MATCHING_SHARE * window) return lag * frameSeconds;
    }
  }
  return 0;
}

/** Fraction of the blocks (`stride` apart) with a near-identical, non-silent block at any offset in `reference`. */
export function verbatimFraction(blocks: SlidingBlocks, reference: SlidingBlocks): number {
  let copied = 0;
  let total = 0;
  for (let i = 0; i < blocks.count; i += blocks.stride) {
    total++;
    if (blocks.silent(i)) continue;
    const v = blocks.at(i);
    // Every other frame of the reference: one-beat blocks one frame apart still measure well under the threshold.
    for (let j = 0; j < reference.count; j += 2) {
      if (!reference.silent(j) && closerThan(v, reference.at(j), NEAR_IDENTICAL_DISTANCE)) {
        copied++;
        break;
      }
    }
  }
  return total > 0 ? copied / total : 0;
}

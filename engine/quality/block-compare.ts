import { NEAR_IDENTICAL_DISTANCE } from "../analysis/beat-vectors.ts";

/**
 * The comparisons of one-beat blocks behind the loop and verbatim metrics (loops.ts), fed one block at a time in
 * order, so that a long extension's blocks (104 bytes for every analysis frame) are never all held.
 */

/** Back-to-back repeats shorter than this are not reported (a held note is not a loop). */
export const MIN_REPEAT_SECONDS = 2;
/** Share of a candidate repeat's blocks that must match (a few misaligned transients are forgiven). */
export const MATCHING_SHARE = 0.8;
/** Rounding allowance for the projection test, far below any distance that matters. */
const PROJECTION_SLACK = 1e-6;

/**
 * One-beat block vectors starting at every analysis frame, with a silence flag per block.
 * Block i describes frames [i, i + blockFrames); blocks are compared `stride` frames apart.
 */
export interface SlidingBlocks extends BlockGrid {
  /** Length of one block vector. */
  readonly size: number;
  /** Block vectors, row-major [count * size]. */
  readonly vectors: Float32Array;
  /** 1 where the block is silent (never matches). [count] */
  readonly silent: Uint8Array;
}

/** How many blocks there are and how they are spaced. */
export interface BlockGrid {
  readonly count: number;
  readonly blockFrames: number;
  readonly stride: number;
  readonly frameSeconds: number;
}

/**
 * A vector's coordinate along a fixed unit direction (vector `i` of `vectors`). Two vectors closer than d differ by
 * less than d along any unit direction, so comparing projections first rejects most pairs without changing any
 * answer, whichever direction is taken.
 */
export function projection(vectors: Float32Array, i: number, size: number, direction: Float64Array): number {
  let p = 0;
  for (let d = 0; d < size; d++) p += vectors[i * size + d]! * direction[d]!;
  return p;
}

/** Unit direction of largest spread of the (non-silent) vectors, by a few power iterations: prunes best. */
export function spreadDirection(blocks: SlidingBlocks): Float64Array {
  const { count, size, vectors, silent } = blocks;
  const mean = new Float64Array(size);
  let n = 0;
  for (let i = 0; i < count; i++) {
    if (silent[i]) continue;
    n++;
    for (let d = 0; d < size; d++) mean[d]! += vectors[i * size + d]!;
  }
  for (let d = 0; d < size; d++) mean[d]! /= Math.max(1, n);
  let direction = new Float64Array(size).fill(1 / Math.sqrt(size));
  const step = Math.max(1, Math.floor(count / 4000));
  for (let iteration = 0; iteration < 8; iteration++) {
    const next = new Float64Array(size);
    for (let i = 0; i < count; i += step) {
      if (silent[i]) continue;
      let p = 0;
      for (let d = 0; d < size; d++) p += (vectors[i * size + d]! - mean[d]!) * direction[d]!;
      for (let d = 0; d < size; d++) next[d]! += p * (vectors[i * size + d]! - mean[d]!);
    }
    const norm = Math.hypot(...next);
    if (!(norm > 0)) break;
    for (let d = 0; d < size; d++) next[d]! /= norm;
    direction = next;
  }
  return direction;
}

/** Euclidean distance between vector i of `a` and vector j of `b` below `limit`, giving up as soon as it can't be. */
function closerThan(a: Float32Array, i: number, b: Float32Array, j: number, size: number, limit: number): boolean {
  const bound = limit * limit;
  let sum = 0;
  for (let d = 0; d < size; d++) {
    const diff = a[i * size + d]! - b[j * size + d]!;
    sum += diff * diff;
    if (sum >= bound) return false;
  }
  return true;
}

/**
 * Whether blocks a and b of `blocks` are near-identical, neither silent: the metrics' "same audio" (`projections`:
 * every block's projection along spreadDirection, which rejects most pairs first without changing any answer).
 */
export function blocksAlike(blocks: SlidingBlocks, projections: Float64Array, a: number, b: number): boolean {
  return (
    !blocks.silent[a] &&
    !blocks.silent[b] &&
    Math.abs(projections[a]! - projections[b]!) < NEAR_IDENTICAL_DISTANCE + PROJECTION_SLACK &&
    closerThan(blocks.vectors, a, blocks.vectors, b, blocks.size, NEAR_IDENTICAL_DISTANCE)
  );
}

/**
 * One block as the searches take it: its vector, silence, projection; the offset (result sample minus input sample) of
 * the copied stretch of the input holding it, NaN for none (two blocks with the same offset lie in one unbroken stretch
 * of the input); and the input's block at the same place in that stretch, -1 for none.
 */
export interface Block {
  readonly vector: Float32Array;
  readonly silent: boolean;
  readonly projection: number;
  readonly offset: number;
  readonly source: number;
}

/**
 * The shortest period (seconds) at which a stretch is followed straight away by a near-identical copy of itself (see
 * loops.ts shortestLoopSeconds), found while the blocks are pushed in order: only the last maxLag + 1 are kept. Every
 * lag compares the blocks in the same order, by the same rule, as a sweep of that lag alone would, and keeps where
 * its matches in its last window were (a window can only fill up at a match, or when it first reaches its length, so
 * only then is it checked); the answer is the smallest lag whose window filled, 0 when none did. With the input's blocks
 * (`input`), a pair from two stretches of the input is left out where the input repeats at that lag there too.
 */
export function lagSearch(grid: BlockGrid, size: number, maxPeriodSeconds: number, input?: SlidingBlocks) {
  const { count, blockFrames, stride, frameSeconds } = grid;
  const maxLag = Math.min(count - 1, Math.floor(maxPeriodSeconds / frameSeconds));
  const minRunFrames = MIN_REPEAT_SECONDS / frameSeconds;
  const kept = Math.max(0, maxLag + 1);
  const vectors = new Float32Array(kept * size);
  const silent = new Uint8Array(kept);
  const projections = new Float64Array(kept);
  const offsets = new Float64Array(kept);
  const sources = new Int32Array(kept);
  const lags = Math.max(0, maxLag - blockFrames + 1);
  // Per lag (k = lag - blockFrames): its window in compared blocks (never shorter for a longer lag), and a ring of
  // the steps of its matches within the window.
  const windows = Int32Array.from({ length: lags }, (_, k) =>
    Math.ceil(Math.max(k + blockFrames, minRunFrames) / stride),
  );
  const starts = new Float64Array(lags + 1);
  for (let k = 0; k < lags; k++) starts[k + 1] = starts[k]! + windows[k]!;
  const steps = new Float64Array(starts[lags]!);
  const heads = new Int32Array(lags);
  const sizes = new Int32Array(lags);
  let best = Infinity;
  let pushed = 0;
  let step = 0;
  let filling = 0;
  const filled = (k: number) => sizes[k]! >= MATCHING_SHARE * windows[k]!;
  const visit = (i: number) => {
    const a = i % kept;
    for (let lag = blockFrames; lag <= maxLag && lag < best && i + lag < count; lag++) {
      let b = a + lag;
      if (b >= kept) b -= kept;
      if (
        silent[a] ||
        silent[b] ||
        offsets[a] === offsets[b] ||
        !(Math.abs(projections[a]! - projections[b]!) < NEAR_IDENTICAL_DISTANCE + PROJECTION_SLACK) ||
        !closerThan(vectors, a, vectors, b, size, NEAR_IDENTICAL_DISTANCE) ||
        (input !== undefined && inputRepeats(input, sources[a]!, sources[b]!, lag))
      )
        continue;
      const k = lag - blockFrames;
      const window = windows[k]!;
      const start = starts[k]!;
      while (sizes[k]! > 0 && steps[start + heads[k]!]! <= step - window) {
        heads[k] = heads[k]! + 1 === window ? 0 : heads[k]! + 1;
        sizes[k]!--;
      }
      steps[start + ((heads[k]! + sizes[k]!) % window)] = step;
      sizes[k]!++;
      if (step + 1 >= window && filled(k)) best = lag;
    }
    // The lags whose window reaches its length at this step: checked once even without a match now.
    while (filling < lags && windows[filling]! < step + 1) filling++;
    for (let k = filling; k < lags && windows[k] === step + 1; k++) {
      const lag = k + blockFrames;
      if (lag < best && i + lag < count && filled(k)) best = lag;
    }
    step++;
  };
  return {
    /** Block `pushed`: pushed in order, 0 to count - 1. */
    push(block: Block): void {
      if (kept === 0) return;
      const n = pushed++;
      const slot = n % kept;
      vectors.set(block.vector, slot * size);
      silent[slot] = block.silent ? 1 : 0;
      projections[slot] = block.projection;
      offsets[slot] = block.offset;
      sources[slot] = block.source;
      const i = n - maxLag;
      if (i >= 0 && i % stride === 0) visit(i);
    },
    /** The period, seconds, once every block was pushed. */
    seconds(): number {
      for (let i = Math.max(0, pushed - maxLag); i < pushed; i++) if (i % stride === 0) visit(i);
      return Number.isFinite(best) ? best * frameSeconds : 0;
    },
  };
}

/**
 * Whether the input, where it holds block `a` (its block index, -1: none), goes on `lag` later to a near-identical
 * block, as the result does across a join: then the join changed nothing one would hear (an ostinato carried on from
 * one stretch of the song into another), and the repeat is the song's own. A phrase a join plays again is not: the
 * input goes on to something else after it. Where the input ends before a + lag, read from the other side: whether the
 * input has a near-identical block `lag` before its block `b`.
 */
export function inputRepeats(input: SlidingBlocks, a: number, b: number, lag: number): boolean {
  const same = (i: number, j: number) =>
    !input.silent[i] &&
    !input.silent[j] &&
    closerThan(input.vectors, i, input.vectors, j, input.size, NEAR_IDENTICAL_DISTANCE);
  if (a >= 0 && a + lag < input.count) return same(a, a + lag);
  return b - lag >= 0 && b < input.count && same(b - lag, b);
}

/**
 * Counts the blocks (pushed `stride` apart) with a near-identical, non-silent block at any offset in `reference`:
 * verbatimFraction (loops.ts) a block at a time. Blocks are projected along `direction`.
 */
export function verbatimCounter(reference: SlidingBlocks) {
  const { size } = reference;
  const direction = spreadDirection(reference);
  // Every other frame of the reference: one-beat blocks one frame apart still measure well under the threshold.
  // Those candidates, sorted by projection: only the ones within the threshold along it need a full comparison.
  const candidates: number[] = [];
  for (let j = 0; j < reference.count; j += 2) if (!reference.silent[j]) candidates.push(j);
  const referenceProjection = Float64Array.from({ length: reference.count }, (_, j) =>
    projection(reference.vectors, j, size, direction),
  );
  candidates.sort((a, b) => referenceProjection[a]! - referenceProjection[b]!);
  const sortedProjection = Float64Array.from(candidates, (j) => referenceProjection[j]!);
  const sortedIndex = Int32Array.from(candidates);
  let copied = 0;
  let total = 0;
  return {
    direction,
    push({ vector, silent, projection: p }: Block): void {
      total++;
      if (silent) return;
      let low = 0;
      let high = sortedProjection.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (sortedProjection[mid]! <= p - NEAR_IDENTICAL_DISTANCE - PROJECTION_SLACK) low = mid + 1;
        else high = mid;
      }
      for (
        let k = low;
        k < sortedProjection.length && sortedProjection[k]! < p + NEAR_IDENTICAL_DISTANCE + PROJECTION_SLACK;
        k++
      ) {
        if (closerThan(vector, 0, reference.vectors, sortedIndex[k]!, size, NEAR_IDENTICAL_DISTANCE)) {
          copied++;
          return;
        }
      }
    },
    fraction: () => (total > 0 ? copied / total : 0),
  };
}

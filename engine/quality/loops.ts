import { CHROMA_BINS, MFCC_COEFFICIENTS, type FrameFeatures } from "../analysis/features.ts";
import { BEAT_VECTOR_SIZE, NEAR_IDENTICAL_DISTANCE, type BeatVectoriser } from "../analysis/beat-vectors.ts";
import { SILENT_BLOCK_DB } from "./timbre.ts";

/** Back-to-back repeats shorter than this are not reported (a held note is not a loop). */
const MIN_REPEAT_SECONDS = 2;
/** Share of a candidate repeat's blocks that must match (a few misaligned transients are forgiven). */
const MATCHING_SHARE = 0.8;

/**
 * One-beat block vectors starting at every analysis frame, with a silence flag per block.
 * Block i describes frames [i, i + blockFrames); blocks are compared `stride` frames apart.
 */
export interface SlidingBlocks {
  readonly count: number;
  readonly blockFrames: number;
  readonly stride: number;
  readonly frameSeconds: number;
  /** Length of one block vector. */
  readonly size: number;
  /** Block vectors, row-major [count * size]. */
  readonly vectors: Float32Array;
  /** 1 where the block is silent (never matches). [count] */
  readonly silent: Uint8Array;
}

/** Rounding allowance for the projection test, far below any distance that matters. */
const PROJECTION_SLACK = 1e-6;

/**
 * Each vector's coordinate along a fixed unit direction. Two vectors closer than d differ by less than d along
 * any unit direction, so comparing projections first rejects most pairs without changing any answer.
 */
function projections(blocks: SlidingBlocks, direction: Float64Array): Float64Array {
  const { count, size, vectors } = blocks;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let p = 0;
    for (let d = 0; d < size; d++) p += vectors[i * size + d]! * direction[d]!;
    out[i] = p;
  }
  return out;
}

/** Unit direction of largest spread of the (non-silent) vectors, by a few power iterations: prunes best. */
function spreadDirection(blocks: SlidingBlocks): Float64Array {
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
 * Shortest period (seconds) at which a stretch is followed straight away by a near-identical copy of itself:
 * along each lag (one analysis frame resolution) of the self-similarity of one-beat blocks, a window at least
 * one period and 2 s long where 80 % of the blocks match. Silent blocks never match. 0 when no period up to
 * maxPeriodSeconds repeats. `copyOf` (per block: which sample-exact copy of the input holds it, -1 for none) leaves
 * out pairs of blocks inside one copy: a repeat there is the song's own (a phrase it plays twice in a row, a steady
 * decay), carried by any copy of it, not a loop the extension made.
 */
export function shortestLoopSeconds(blocks: SlidingBlocks, maxPeriodSeconds = 40, copyOf?: Int32Array): number {
  const { count, blockFrames, stride, frameSeconds, size, vectors, silent } = blocks;
  const maxLag = Math.min(count - 1, Math.floor(maxPeriodSeconds / frameSeconds));
  const minRunFrames = MIN_REPEAT_SECONDS / frameSeconds;
  const projection = projections(blocks, spreadDirection(blocks));
  const matches = new Uint8Array(Math.ceil(count / stride) + 1);
  for (let lag = blockFrames; lag <= maxLag; lag++) {
    const window = Math.ceil(Math.max(lag, minRunFrames) / stride);
    let length = 0;
    let inWindow = 0;
    for (let i = 0; i + lag < count; i += stride) {
      const j = i + lag;
      const match =
        !silent[i] &&
        !silent[j] &&
        (copyOf === undefined || copyOf[i]! < 0 || copyOf[i] !== copyOf[j]) &&
        Math.abs(projection[i]! - projection[j]!) < NEAR_IDENTICAL_DISTANCE + PROJECTION_SLACK &&
        closerThan(vectors, i, vectors, j, size, NEAR_IDENTICAL_DISTANCE);
      matches[length++] = match ? 1 : 0;
      inWindow += match ? 1 : 0;
      if (length > window) inWindow -= matches[length - 1 - window]!;
      if (length >= window && inWindow >= MATCHING_SHARE * window) return lag * frameSeconds;
    }
  }
  return 0;
}

/** Fraction of the blocks (`stride` apart) with a near-identical, non-silent block at any offset in `reference`. */
export function verbatimFraction(blocks: SlidingBlocks, reference: SlidingBlocks): number {
  const size = blocks.size;
  const direction = spreadDirection(reference);
  // Every other frame of the reference: one-beat blocks one frame apart still measure well under the threshold.
  // Those candidates, sorted by projection: only the ones within the threshold along it need a full comparison.
  const candidates: number[] = [];
  for (let j = 0; j < reference.count; j += 2) if (!reference.silent[j]) candidates.push(j);
  const referenceProjection = projections(reference, direction);
  candidates.sort((a, b) => referenceProjection[a]! - referenceProjection[b]!);
  const sortedProjection = Float64Array.from(candidates, (j) => referenceProjection[j]!);
  const sortedIndex = Int32Array.from(candidates);
  const blockProjection = projections(blocks, direction);
  let copied = 0;
  let total = 0;
  for (let i = 0; i < blocks.count; i += blocks.stride) {
    total++;
    if (blocks.silent[i]) continue;
    const p = blockProjection[i]!;
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
      if (closerThan(blocks.vectors, i, reference.vectors, sortedIndex[k]!, size, NEAR_IDENTICAL_DISTANCE)) {
        copied++;
        break;
      }
    }
  }
  return total > 0 ? copied / total : 0;
}

/**
 * Block vectors at every frame offset (the loop detector needs frame-resolution lags): each block's mean chroma,
 * MFCC and power over its frames, from running sums (one pass, whatever the block length).
 */
export function slidingBlocks(frames: FrameFeatures, blockFrames: number, vectoriser: BeatVectoriser): SlidingBlocks {
  const count = Math.max(0, frames.frameCount - blockFrames + 1);
  const size = BEAT_VECTOR_SIZE;
  const vectors = new Float32Array(count * size);
  const silent = new Uint8Array(count);
  const chromaSums = runningSums(frames.chroma, CHROMA_BINS, blockFrames);
  const mfccSums = runningSums(frames.mfcc, MFCC_COEFFICIENTS, blockFrames);
  // Each level as the float32 it was when the levels were converted to power in one array.
  const power = Float32Array.from(
    frames.levelDb.subarray(0, Math.min(frames.frameCount, blockFrames + count)),
    (db) => 10 ** (db / 10),
  );
  const powerSums = runningSums(power, 1, blockFrames);
  const chroma = new Float32Array(CHROMA_BINS);
  const mfcc = new Float32Array(MFCC_COEFFICIENTS);
  for (let i = 0; i < count; i++) {
    chromaSums.reach(i + blockFrames);
    mfccSums.reach(i + blockFrames);
    powerSums.reach(i + blockFrames);
    chromaSums.mean(i, blockFrames, chroma);
    mfccSums.mean(i, blockFrames, mfcc);
    const blockPower = (powerSums.at(i + blockFrames, 0) - powerSums.at(i, 0)) / blockFrames;
    const level = blockPower > 0 ? 10 * Math.log10(blockPower) : -120;
    vectors.set(vectoriser.vectorise(chroma, mfcc, level), i * size);
    silent[i] = level < SILENT_BLOCK_DB ? 1 : 0;
  }
  return {
    count,
    blockFrames,
    stride: Math.max(1, Math.round(blockFrames / 4)),
    frameSeconds: frames.hop / frames.sampleRate,
    size,
    vectors,
    silent,
  };
}

/**
 * Running sums of `values` (frames of `dims`): row f is the sum of frames g < f, made one row after the other in
 * float64 and kept for the last `span` + 1 rows only (a block needs its first and its end row): a 10-hour result's
 * rows would take about 30 MB an hour.
 */
function runningSums(values: Float32Array, dims: number, span: number) {
  const rows = span + 1;
  const ring = new Float64Array(rows * dims);
  let made = 0;
  const at = (f: number, d: number) => ring[(f % rows) * dims + d]!;
  return {
    at,
    /** Makes rows up to f. */
    reach(f: number): void {
      for (; made < f; made++) {
        const from = (made % rows) * dims;
        const to = ((made + 1) % rows) * dims;
        for (let d = 0; d < dims; d++) ring[to + d] = ring[from + d]! + values[made * dims + d]!;
      }
    },
    /** Mean of frames [from, from + length) into `out` (rows from and from + length made and still kept). */
    mean(from: number, length: number, out: Float32Array): void {
      for (let d = 0; d < dims; d++) out[d] = (at(from + length, d) - at(from, d)) / length;
    },
  };
}

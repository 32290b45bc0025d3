import { CHROMA_BINS, MFCC_COEFFICIENTS, type FrameFeatures } from "../analysis/features.ts";
import { BEAT_VECTOR_SIZE, type BeatVectoriser } from "../analysis/beat-vectors.ts";
import {
  type Block,
  lagSearch,
  projection,
  type SlidingBlocks,
  spreadDirection,
  verbatimCounter,
} from "./block-compare.ts";
import { rowsOf, type FrameRows } from "./frame-rows.ts";
import type { Steps } from "./steps.ts";
import { SILENT_BLOCK_DB } from "./timbre.ts";

export type { SlidingBlocks };

/** Where each of the extension's blocks came from in the input (see Block): offset NaN and source -1 for nowhere. */
export interface BlockPlace {
  offsetOf(block: number): number;
  sourceOf(block: number): number;
}

/** Blocks compared between two steps (steps.ts). */
const STEP_BLOCKS = 1024;
/** Default longest period the loop search looks for, seconds. */
const MAX_PERIOD_SECONDS = 40;

/**
 * Shortest period (seconds) at which a stretch is followed straight away by a near-identical copy of itself:
 * along each lag (one analysis frame resolution) of the self-similarity of one-beat blocks, a window at least
 * one period and 2 s long where 80 % of the blocks match. Silent blocks never match. 0 when no period up to
 * maxPeriodSeconds repeats. `offsetOf` (per block: the offset of the copied stretch of the input holding it, NaN for
 * none; see Block) leaves out pairs of blocks inside one unbroken stretch of the input: a repeat there is the song's
 * own (a phrase it plays twice in a row, a steady decay, an ostinato), carried by any copy of it, not a loop the
 * extension made.
 */
export function shortestLoopSeconds(
  blocks: SlidingBlocks,
  maxPeriodSeconds = MAX_PERIOD_SECONDS,
  offsetOf?: Float64Array,
): number {
  const { count, size, vectors, silent } = blocks;
  const direction = spreadDirection(blocks);
  const search = lagSearch(blocks, size, maxPeriodSeconds);
  for (let i = 0; i < count; i++) {
    search.push({
      vector: vectors.subarray(i * size, (i + 1) * size),
      silent: silent[i] === 1,
      projection: projection(vectors, i, size, direction),
      offset: offsetOf?.[i] ?? Number.NaN,
      source: -1,
    });
  }
  return search.seconds();
}

/** Fraction of the blocks (`stride` apart) with a near-identical, non-silent block at any offset in `reference`. */
export function verbatimFraction(blocks: SlidingBlocks, reference: SlidingBlocks): number {
  const { size, vectors, silent } = blocks;
  const counter = verbatimCounter(reference);
  for (let i = 0; i < blocks.count; i += blocks.stride) {
    const vector = vectors.subarray(i * size, (i + 1) * size);
    counter.push({
      vector,
      silent: silent[i] === 1,
      projection: projection(vector, 0, size, counter.direction),
      offset: Number.NaN,
      source: -1,
    });
  }
  return counter.fraction();
}

/**
 * shortestLoopSeconds and verbatimFraction of the extension's blocks (frames' one-beat blocks, made one at a time and
 * let go: none of them is held past maxPeriodSeconds), against the input's blocks, with the frames handed over a range
 * at a time, in order (`push`: the blocks whose frames end by the range's end). `place`: for block i, the offset of the
 * copied stretch of the input holding it and the input's block at its place (NaN and -1 for none; see Block): a
 * repeat inside one stretch, or where the input repeats at that lag too, is the song's own. Both searches project along the direction of the input's blocks (which
 * prunes as well: the extension is mostly the input); the answers do not depend on it.
 */
export function extensionLoops(
  frames: FrameRows,
  reference: { readonly blocks: SlidingBlocks; readonly vectoriser: BeatVectoriser },
  place: BlockPlace,
) {
  const maker = blockMaker(frames, reference.blocks.blockFrames, reference.vectoriser);
  const search = lagSearch(maker, BEAT_VECTOR_SIZE, MAX_PERIOD_SECONDS, reference.blocks);
  const counter = verbatimCounter(reference.blocks);
  let i = 0;
  return {
    /**
     * The frames from where the last push ended up to `to` can be read: makes the blocks that end by `to` and reads the
     * rest of those frames into the running sums (each frame is read once, in order).
     */
    *push(to: number): Steps<void> {
      for (; i < maker.count && i + maker.blockFrames <= to; i++) {
        if (i % STEP_BLOCKS === 0) yield;
        const { vector, silent } = maker.next();
        const block: Block = {
          vector,
          silent,
          projection: projection(vector, 0, BEAT_VECTOR_SIZE, counter.direction),
          offset: place.offsetOf(i),
          source: place.sourceOf(i),
        };
        search.push(block);
        if (i % maker.stride === 0) counter.push(block);
      }
      // The next block reads frames from `to` on, in the next range.
      maker.readTo(to);
    },
    result(): { readonly shortestLoopSeconds: number; readonly verbatimFraction: number } {
      return { shortestLoopSeconds: search.seconds(), verbatimFraction: counter.fraction() };
    },
  };
}

/**
 * Block vectors at every frame offset (the loop detector needs frame-resolution lags): each block's mean chroma,
 * MFCC and power over its frames, from running sums (one pass, whatever the block length).
 */
export function slidingBlocks(
  frames: FrameFeatures | FrameRows,
  blockFrames: number,
  vectoriser: BeatVectoriser,
): SlidingBlocks {
  const maker = blockMaker(rowsOf(frames), blockFrames, vectoriser);
  const size = BEAT_VECTOR_SIZE;
  const vectors = new Float32Array(maker.count * size);
  const silent = new Uint8Array(maker.count);
  for (let i = 0; i < maker.count; i++) {
    const block = maker.next();
    vectors.set(block.vector, i * size);
    silent[i] = block.silent ? 1 : 0;
  }
  const { count, stride, frameSeconds } = maker;
  return { count, blockFrames, stride, frameSeconds, size, vectors, silent };
}

/** slidingBlocks' blocks one at a time, in order: next() makes block 0, then 1, ... up to count - 1. */
function blockMaker(frames: FrameRows, blockFrames: number, vectoriser: BeatVectoriser) {
  const count = Math.max(0, frames.frameCount - blockFrames + 1);
  const chromaSums = runningSums(
    CHROMA_BINS,
    blockFrames,
    (f, d) => frames.table(f).chroma[frames.row(f) * CHROMA_BINS + d]!,
  );
  const mfccSums = runningSums(
    MFCC_COEFFICIENTS,
    blockFrames,
    (f, d) => frames.table(f).mfcc[frames.row(f) * MFCC_COEFFICIENTS + d]!,
  );
  // Each level as the float32 it was when the levels were converted to power in one array.
  const powerSums = runningSums(1, blockFrames, (f) =>
    Math.fround(10 ** (frames.table(f).levelDb[frames.row(f)]! / 10)),
  );
  const chroma = new Float32Array(CHROMA_BINS);
  const mfcc = new Float32Array(MFCC_COEFFICIENTS);
  let i = 0;
  const readTo = (f: number) => {
    chromaSums.reach(f);
    mfccSums.reach(f);
    powerSums.reach(f);
  };
  return {
    count,
    blockFrames,
    stride: Math.max(1, Math.round(blockFrames / 4)),
    frameSeconds: frames.hop / frames.sampleRate,
    /** Reads frames before f (at most up to the next block's end) into the running sums now. */
    readTo(f: number): void {
      readTo(Math.min(f, i + blockFrames));
    },
    next(): { vector: Float32Array; silent: boolean } {
      readTo(i + blockFrames);
      chromaSums.mean(i, blockFrames, chroma);
      mfccSums.mean(i, blockFrames, mfcc);
      const blockPower = (powerSums.at(i + blockFrames, 0) - powerSums.at(i, 0)) / blockFrames;
      const level = blockPower > 0 ? 10 * Math.log10(blockPower) : -120;
      i++;
      return { vector: vectoriser.vectorise(chroma, mfcc, level), silent: level < SILENT_BLOCK_DB };
    },
  };
}

/**
 * Running sums of frames' values (`value(f, d)`, `dims` per frame): row f is the sum of frames g < f, made one row
 * after the other in float64 and kept for the last `span` + 1 rows only (a block needs its first and its end row): a
 * 10-hour result's rows would take about 30 MB an hour.
 */
function runningSums(dims: number, span: number, value: (f: number, d: number) => number) {
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
        for (let d = 0; d < dims; d++) ring[to + d] = ring[from + d]! + value(made, d);
      }
    },
    /** Mean of frames [from, from + length) into `out` (rows from and from + length made and still kept). */
    mean(from: number, length: number, out: Float32Array): void {
      for (let d = 0; d < dims; d++) out[d] = (at(from + length, d) - at(from, d)) / length;
    },
  };
}

import type { PcmAudio } from "../audio/pcm.ts";
import { levelAt, scanBlockSamples, type BlockScan } from "./blocks.ts";
import { sampleSource, type SampleSource } from "./sample-source.ts";
import type { Steps } from "./steps.ts";

/** Blocks looked at between two steps. */
const STEP_BLOCKS = 4096;

/**
 * Content-defined anchors for finding sample-exact copies. The engines copy input samples verbatim, so a stretch
 * of the result that is a copy of the input (or of another part of the result) has the same anchors, with the
 * same hashes, at the same relative positions: matching anchors gives every copy and its offset in O(n).
 */

/** Samples (every channel, exact float bits) hashed and compared from each anchor on. */
export const ANCHOR_SPAN = 32;
/** |mono| below this (-80 dBFS) never anchors: digital silence and dither carry no identity. */
const ANCHOR_FLOOR = 1e-4;

export interface Anchors {
  /** W: each anchor is the loudest sample within ±W samples (20 ms at the audio's rate). */
  readonly radius: number;
  readonly count: number;
  /** Sample index of anchor k (0 <= k < count), increasing with k. */
  position(k: number): number;
  /** Hash of the ANCHOR_SPAN frames from anchor k's position. */
  hash(k: number): number;
}

/** Anchors per stored piece: held anchors take 12 bytes each and are never copied as they grow. */
const PIECE_SHIFT = 16;
const PIECE = 1 << PIECE_SHIFT;

/** Anchors as they are found, in order: positions and hashes in typed pieces, the last one trimmed at the end. */
function anchorStore(radius: number): { add(position: number, hash: number): void; done(): Anchors } {
  const positions: Float64Array[] = [];
  const hashes: Uint32Array[] = [];
  let count = 0;
  return {
    add(position, hash) {
      const piece = count >>> PIECE_SHIFT;
      if (piece === positions.length) {
        positions.push(new Float64Array(PIECE));
        hashes.push(new Uint32Array(PIECE));
      }
      positions[piece]![count & (PIECE - 1)] = position;
      hashes[piece]![count & (PIECE - 1)] = hash;
      count++;
    },
    done() {
      const last = positions.length - 1;
      if (last >= 0) {
        positions[last] = positions[last]!.slice(0, count - last * PIECE);
        hashes[last] = hashes[last]!.slice(0, count - last * PIECE);
      }
      return {
        radius,
        count,
        position: (k) => positions[k >>> PIECE_SHIFT]![k & (PIECE - 1)]!,
        hash: (k) => hashes[k >>> PIECE_SHIFT]![k & (PIECE - 1)]!,
      };
    },
  };
}

/** Each channel's samples as their IEEE-754 bits (a view, no copy): exact comparison, -0 and NaN included. */
export function channelBits(audio: PcmAudio): Uint32Array[] {
  return audio.channels.map((c) => new Uint32Array(c.buffer, c.byteOffset, c.length));
}

/**
 * Anchors of a signal: the sample indices i where |mono| >= 1e-4 and |mono[i]| is greater than every sample in
 * [i - W, i) and at least every sample in (i, i + W], W = the scan's block (20 ms at the audio's rate). The tie rule
 * keeps the first sample of a clipped plateau. The choice depends only on the 40 ms around i, so a copy keeps its
 * anchors except within 20 ms of its edges. Each anchor is the first maximum of its W-sample block, so only those
 * are tested, against a neighbouring block only when that block is louder.
 */
export function* findAnchors(audio: PcmAudio | SampleSource, scan: BlockScan): Steps<Anchors> {
  const store = anchorStore(scan.blockSamples);
  const finder = anchorFinder(sampleSource(audio), store.add);
  for (let k = 0; k < scan.max.length; k++) {
    if (k % STEP_BLOCKS === 0) yield;
    finder.add(k, scan.max[k]!, scan.arg[k]!);
  }
  finder.done();
  return store.done();
}

/**
 * findAnchors fed block by block as a scan finds them (blocks.ts visitBlocks), each anchor handed to `found` as it is
 * found: block k is decided when block k + 1 comes (or when done), reading `source` only within blocks k - 1 to k + 1,
 * so a result read once in order is anchored in the same pass, and its anchors need not be held.
 */
export function anchorFinder(
  source: SampleSource,
  found: (position: number, hash: number) => void,
): { add(k: number, max: number, arg: number): void; done(): void } {
  const radius = scanBlockSamples(source.sampleRate);
  const length = source.length;
  const floor = ANCHOR_FLOOR * Math.max(1, source.channelCount);
  const level = (i: number) => levelAt(source, i);
  // Blocks k - 1 and k (the one to decide next), as (max, arg); k is -1 before the first block.
  let k = -1;
  let beforeMax = 0;
  let beforeArg = 0;
  let max = 0;
  let arg = 0;
  // The next block's (max, arg); -Infinity when block k is the last.
  const decide = (nextMax: number, nextArg: number) => {
    const i = arg;
    const v = max;
    if (v < floor || i + ANCHOR_SPAN > length) return;
    // A louder neighbouring block rules i out at once when its maximum lies within reach, else by a scan.
    if (
      k > 0 &&
      beforeMax >= v &&
      (beforeArg >= i - radius || anyAtLeast(level, Math.max(0, i - radius), k * radius, v, false))
    )
      return;
    if (
      nextMax > v &&
      (nextArg <= i + radius || anyAtLeast(level, (k + 1) * radius, Math.min(length, i + radius + 1), v, true))
    )
      return;
    const { bits, base } = source.span(i, i + ANCHOR_SPAN);
    found(i, spanHash(bits, i - base));
  };
  return {
    add(block, blockMax, blockArg) {
      if (k >= 0) decide(blockMax, blockArg);
      k = block;
      beforeMax = max;
      beforeArg = arg;
      max = blockMax;
      arg = blockArg;
    },
    done() {
      if (k >= 0) decide(-Infinity, 0);
    },
  };
}

/** Whether any level in [from, to) is >= v (or > v when `strict`). */
function anyAtLeast(level: (i: number) => number, from: number, to: number, v: number, strict: boolean): boolean {
  for (let j = from; j < to; j++) {
    const l = level(j);
    if (strict ? l > v : l >= v) return true;
  }
  return false;
}

/** FNV-1a over 32-bit words with a final avalanche; collisions are harmless (matches are verified). */
export function spanHash(bits: readonly Uint32Array[], at: number): number {
  let h = 0x811c9dc5;
  for (const b of bits) {
    for (let k = 0; k < ANCHOR_SPAN; k++) h = Math.imul(h ^ b[at + k]!, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * How many frames from frame a of `x` and frame b of `y` on are bit-identical in every channel, at most `limit`
 * (and never past either end). With `backward`, counts frames a - 1, a - 2, ... against b - 1, b - 2, ....
 * With `stride` > 1, the walk first hops `stride` frames at a time (checking the last frame of each hop) and then
 * walks the final hop frame by frame: exact at the end it finds, blind to differences shorter than a hop before
 * it. Hopping keeps music made of exactly repeated loops fast, where many short copies each walk to their edges.
 */
export function matchingFrames(
  x: readonly Uint32Array[],
  a: number,
  y: readonly Uint32Array[],
  b: number,
  limit: number,
  backward = false,
  stride = 1,
): number {
  const x0 = x[0];
  const y0 = y[0];
  if (!x0 || !y0) return 0;
  const n = Math.max(0, backward ? Math.min(limit, a, b) : Math.min(limit, x0.length - a, y0.length - b));
  const d = backward ? -1 : 1;
  const i0 = backward ? a - 1 : a;
  const j0 = backward ? b - 1 : b;
  let k = 0;
  if (stride > 1) {
    while (k + stride <= n && sameFrame(x, i0 + d * (k + stride - 1), y, j0 + d * (k + stride - 1))) k += stride;
  }
  const end = stride > 1 ? Math.min(n, k + stride) : n;
  const x1 = x[1];
  const y1 = y[1];
  let i = i0 + d * k;
  let j = j0 + d * k;
  if (x.length === 1) {
    while (k < end && x0[i] === y0[j]) {
      k++;
      i += d;
      j += d;
    }
  } else if (x.length === 2 && x1 && y1) {
    while (k < end && x0[i] === y0[j] && x1[i] === y1[j]) {
      k++;
      i += d;
      j += d;
    }
  } else {
    while (k < end && sameFrame(x, i, y, j)) {
      k++;
      i += d;
      j += d;
    }
  }
  return k;
}

function sameFrame(x: readonly Uint32Array[], i: number, y: readonly Uint32Array[], j: number): boolean {
  for (let c = 0; c < x.length; c++) if (x[c]![i] !== y[c]![j]) return false;
  return true;
}

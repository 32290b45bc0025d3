import type { PcmAudio } from "../audio/pcm.ts";
import { sampleSource, type SampleSource } from "./sample-source.ts";
import type { Steps } from "./steps.ts";

/**
 * One pass over every sample, shared by the anchor search and the silence measure: for each 20 ms block, the
 * largest |sum of channels| (the mono downmix times the channel count: the same argmax without a division), where
 * it first occurs, and the sum of squares over all channels. Reading a 10-minute stereo result once costs about as
 * much as everything else in the form metrics, so it is read once.
 */
export interface BlockScan {
  /** Samples per block (20 ms at the audio's rate, at least 1). The last block may be shorter. */
  readonly blockSamples: number;
  readonly frames: number;
  readonly channelCount: number;
  /** Largest |sum of channels| in each block. */
  readonly max: Float64Array;
  /** Index (sample) of the first sample reaching it (a float: a 10-hour result at 96 kHz passes 2^31). */
  readonly arg: Float64Array;
  /** Sum over the block's samples and channels of x². */
  readonly sumOfSquares: Float64Array;
}

export const SCAN_BLOCK_SECONDS = 0.02;

/** Blocks scanned per span read (about 1.5 s at 44.1 kHz): a stream is read window by window. */
const BLOCKS_PER_READ = 75;

/** One block's figures, as the scan finds them in order: block k's largest |sum of channels|, where, and its power. */
export type BlockVisit = (k: number, max: number, arg: number, sumOfSquares: number) => void;

/** Samples per block at a rate (20 ms, at least 1). */
export const scanBlockSamples = (sampleRate: number): number =>
  Math.max(1, Math.round(SCAN_BLOCK_SECONDS * sampleRate));

/** The scan, held whole, in steps (one per span read). */
export function* scanBlocks(audio: PcmAudio | SampleSource): Steps<BlockScan> {
  const source = sampleSource(audio);
  const count = Math.ceil(source.length / scanBlockSamples(source.sampleRate));
  const scan = {
    blockSamples: scanBlockSamples(source.sampleRate),
    frames: source.length,
    channelCount: source.channelCount,
    max: new Float64Array(count),
    arg: new Float64Array(count),
    sumOfSquares: new Float64Array(count),
  };
  yield* visitBlocks(source, (k, max, arg, sumOfSquares) => {
    scan.max[k] = max;
    scan.arg[k] = arg;
    scan.sumOfSquares[k] = sumOfSquares;
  });
  return scan;
}

/**
 * The one pass over the samples: each block's figures handed to `visit` in order, nothing kept, in steps (one per
 * span read). A result hours long is scanned without a float per block held (issue 22).
 */
export function* visitBlocks(source: SampleSource, visit: BlockVisit): Steps<void> {
  const frames = source.length;
  const size = scanBlockSamples(source.sampleRate);
  const count = Math.ceil(frames / size);
  for (let first = 0; first < count; first += BLOCKS_PER_READ) {
    const last = Math.min(count, first + BLOCKS_PER_READ);
    const { channels, base } = source.span(first * size, Math.min(frames, last * size));
    for (let k = first; k < last; k++) scanBlock(k, size, frames, channels, base, visit);
    yield;
  }
}

/** Block k (blocks of `size`, `frames` in all) from channels starting at frame `base`. */
function scanBlock(
  k: number,
  size: number,
  frames: number,
  channels: readonly Float32Array[],
  base: number,
  visit: BlockVisit,
): void {
  const from = k * size;
  const end = Math.min(frames, from + size);
  const [left, right] = channels;
  let best = -1;
  let at = from;
  let power = 0;
  if (left && right && channels.length === 2) {
    for (let i = from; i < end; i++) {
      const a = left[i - base]!;
      const b = right[i - base]!;
      power += a * a + b * b;
      const v = Math.abs(a + b);
      if (v > best) {
        best = v;
        at = i;
      }
    }
  } else if (left && channels.length === 1) {
    for (let i = from; i < end; i++) {
      const a = left[i - base]!;
      power += a * a;
      const v = Math.abs(a);
      if (v > best) {
        best = v;
        at = i;
      }
    }
  } else {
    for (let i = from; i < end; i++) {
      let sum = 0;
      for (const c of channels) {
        sum += c[i - base]!;
        power += c[i - base]! * c[i - base]!;
      }
      const v = Math.abs(sum);
      if (v > best) {
        best = v;
        at = i;
      }
    }
  }
  visit(k, best, at, power);
}

/** |sum of the channels| at one sample (what BlockScan.max holds per block). */
export function levelAt(source: SampleSource, i: number): number {
  const { channels, base } = source.span(i, i + 1);
  let sum = 0;
  for (const c of channels) sum += c[i - base]!;
  return Math.abs(sum);
}

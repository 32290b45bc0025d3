import type { PcmAudio } from "../audio/pcm.ts";
import { sampleSource, type SampleSource } from "./sample-source.ts";
import type { BlockScan } from "./blocks.ts";

/**
 * Silence is judged on blocks of two scan blocks, 40 ms: long enough to hold a low note's cycle, short enough to
 * time a gap, and free from the shared scan (blocks.ts) of the samples.
 */
export const SCAN_BLOCKS_PER_SILENCE_BLOCK = 2;
/** A block is silent this many dB below the median block of the song... */
const BELOW_MEDIAN_DB = 40;
/** ...but never above -50 dBFS (a quiet song's soft passages are not silence)... */
const HIGHEST_THRESHOLD_DB = -50;
/** ...nor below -70 dBFS (noise or dither at -80 dBFS in a loud song's gap is still silence). */
const LOWEST_THRESHOLD_DB = -70;

/** Samples per silence block. */
export function silenceBlockSamples(scan: BlockScan): number {
  return SCAN_BLOCKS_PER_SILENCE_BLOCK * scan.blockSamples;
}

/** RMS level of each 40 ms block over all channels (mean power of the channels), dBFS; -Infinity for digital silence. */
export function blockLevelsDb(scan: BlockScan): Float64Array {
  const per = SCAN_BLOCKS_PER_SILENCE_BLOCK;
  const count = Math.ceil(scan.sumOfSquares.length / per);
  const levels = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let sum = 0;
    for (let j = k * per; j < Math.min(scan.sumOfSquares.length, (k + 1) * per); j++) sum += scan.sumOfSquares[j]!;
    levels[k] = levelDb(scan, k, sum);
  }
  return levels;
}

/** The shape of a scan (BlockScan without its figures). */
type ScanShape = Pick<BlockScan, "blockSamples" | "frames" | "channelCount">;

/** The level of 40 ms block k from the sum of its scan blocks' sums of squares. */
function levelDb(scan: ScanShape, k: number, sum: number): number {
  const per = SCAN_BLOCKS_PER_SILENCE_BLOCK;
  const samples = Math.min(scan.frames, (k + 1) * per * scan.blockSamples) - k * per * scan.blockSamples;
  return 10 * Math.log10(sum / (samples * Math.max(1, scan.channelCount)));
}

/**
 * The silence threshold for a song, dBFS: the median 40 ms block 40 dB down, kept within -70..-50 dBFS. The median
 * is over the blocks that are not digital silence (padding would otherwise drag it down); -70 when all are.
 */
export function silenceThresholdDb(levelsDb: Float64Array): number {
  const sounding = Array.from(levelsDb)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const median = sounding[Math.floor(sounding.length / 2)];
  if (median === undefined) return LOWEST_THRESHOLD_DB;
  return Math.max(LOWEST_THRESHOLD_DB, Math.min(HIGHEST_THRESHOLD_DB, median - BELOW_MEDIAN_DB));
}

/**
 * What the silence figures read from a signal's 40 ms levels against a threshold: the first and last block at or above
 * it (-1 when none is) and the longest run of silent blocks strictly between them.
 */
export interface SilenceSummary {
  /** Samples per 40 ms block. */
  readonly blockSamples: number;
  readonly firstBlock: number;
  readonly lastBlock: number;
  readonly longestSilentBlocks: number;
}

/**
 * The summary from levels fed one at a time, in order (none held): a block below the threshold extends the current
 * silent run, one at or above it ends the stretch between two sounding blocks. A level that is neither (NaN) only
 * breaks a run, as a scan of the held levels would.
 */
export function silenceTracker(blockSamples: number, thresholdDb: number) {
  let firstBlock = -1;
  let lastBlock = -1;
  let longest = 0;
  // Within the stretch since the last sounding block: the current silent run, and the longest one ended in it.
  let current = 0;
  let ended = 0;
  let k = 0;
  return {
    add(level: number): void {
      if (level >= thresholdDb) {
        if (firstBlock >= 0) longest = Math.max(longest, ended, current);
        else firstBlock = k;
        lastBlock = k;
        current = 0;
        ended = 0;
      } else if (level < thresholdDb) current++;
      else {
        ended = Math.max(ended, current);
        current = 0;
      }
      k++;
    },
    summary: (): SilenceSummary => ({ blockSamples, firstBlock, lastBlock, longestSilentBlocks: longest }),
  };
}

/** The summary of held levels (blockLevelsDb). */
export function silenceSummary(scan: BlockScan, levelsDb: Float64Array, thresholdDb: number): SilenceSummary {
  const tracker = silenceTracker(silenceBlockSamples(scan), thresholdDb);
  for (const level of levelsDb) tracker.add(level);
  return tracker.summary();
}

/**
 * The 40 ms levels of a scan fed block by block (blocks.ts visitBlocks): `add` takes each scan block's sum of squares
 * in order and hands `onLevel` each 40 ms block's level once its last scan block is in, the same numbers as
 * blockLevelsDb.
 */
export function streamedLevels(
  scan: ScanShape,
  onLevel: (level: number) => void,
): (k: number, sumOfSquares: number) => void {
  const per = SCAN_BLOCKS_PER_SILENCE_BLOCK;
  const count = Math.ceil(scan.frames / scan.blockSamples);
  let sum = 0;
  return (k, sumOfSquares) => {
    if (k % per === 0) sum = 0;
    sum += sumOfSquares;
    if (k % per === per - 1 || k === count - 1) onLevel(levelDb(scan, Math.floor(k / per), sum));
  };
}

export interface SoundSpan {
  /** First sample of the first non-silent block whose |mono| reaches the threshold level. */
  readonly first: number;
  /** One past the last such sample of the last non-silent block. */
  readonly end: number;
}

/**
 * Where the sound starts and ends, samples: the first and last block at or above the threshold, narrowed to the
 * first and last sample whose |mono| reaches the threshold amplitude within them. Undefined when all is silent.
 */
export function soundSpan(
  audio: PcmAudio | SampleSource,
  silence: SilenceSummary,
  thresholdDb: number,
): SoundSpan | undefined {
  const { firstBlock, lastBlock, blockSamples: block } = silence;
  if (firstBlock < 0) return undefined;
  const source = sampleSource(audio);
  const length = source.length;
  const amplitude = 10 ** (thresholdDb / 20);
  const mono = (i: number) => {
    const { channels, base } = source.span(i, i + 1);
    return Math.abs(channels.reduce((sum, c) => sum + c[i - base]!, 0)) / channels.length;
  };
  let first = firstBlock * block;
  const firstEnd = Math.min(length, first + block);
  while (first < firstEnd - 1 && mono(first) < amplitude) first++;
  let end = Math.min(length, (lastBlock + 1) * block);
  while (end > lastBlock * block + 1 && mono(end - 1) < amplitude) end--;
  return { first, end };
}

/**
 * Longest run of silent blocks strictly between the first and the last non-silent block, seconds (a multiple of
 * 40 ms; gaps shorter than one block can read 0). Lead-in and trailing silence are not counted.
 */
export function longestInternalSilenceSeconds(silence: SilenceSummary, sampleRate: number): number {
  return (silence.longestSilentBlocks * silence.blockSamples) / sampleRate;
}

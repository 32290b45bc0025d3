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
    const samples = Math.min(scan.frames, (k + 1) * per * scan.blockSamples) - k * per * scan.blockSamples;
    levels[k] = 10 * Math.log10(sum / (samples * Math.max(1, scan.channelCount)));
  }
  return levels;
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
  scan: BlockScan,
  levelsDb: Float64Array,
  thresholdDb: number,
): SoundSpan | undefined {
  const firstBlock = levelsDb.findIndex((l) => l >= thresholdDb);
  if (firstBlock < 0) return undefined;
  const lastBlock = levelsDb.findLastIndex((l) => l >= thresholdDb);
  const block = silenceBlockSamples(scan);
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
export function longestInternalSilenceSeconds(
  scan: BlockScan,
  levelsDb: Float64Array,
  thresholdDb: number,
  sampleRate: number,
): number {
  const first = levelsDb.findIndex((l) => l >= thresholdDb);
  const last = levelsDb.findLastIndex((l) => l >= thresholdDb);
  let longest = 0;
  let current = 0;
  for (let k = first + 1; first >= 0 && k < last; k++) {
    current = levelsDb[k]! < thresholdDb ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return (longest * silenceBlockSamples(scan)) / sampleRate;
}

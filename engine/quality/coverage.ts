import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import type { BlockScan } from "./blocks.ts";
import type { FoundCopies } from "./copies.ts";
import { copySegments } from "./copy-map.ts";
import { blockLevelsDb, silenceBlockSamples } from "./silence.ts";

/**
 * Coverage: the share of the song's sounding material heard in the result, percent. The input's 40 ms blocks at or
 * above its silence threshold are the sounding material; a sample of one is heard when the result holds it in a
 * sample-exact copy (copies.ts), wherever and however often. Seams (crossfades) and a copy's first and last 20-40 ms,
 * which the copy search leaves unconfirmed, are not counted, so a plan that plays every second reads a little under
 * 100 (about 0.1 % per join). null when the input has no sounding block.
 */
export function coveragePercent(
  original: PcmAudio,
  originalScan: BlockScan,
  copies: FoundCopies,
  resultLength: number,
  thresholdDb: number,
): number | null {
  const heard = heardIntervals(copies, resultLength);
  const levels = blockLevelsDb(originalScan);
  const block = silenceBlockSamples(originalScan);
  const length = frameCount(original);
  let sounding = 0;
  let covered = 0;
  let next = 0;
  for (let k = 0; k < levels.length; k++) {
    if (!(levels[k]! >= thresholdDb)) continue;
    const start = k * block;
    const end = Math.min(length, start + block);
    sounding += end - start;
    while (next < heard.length && heard[next]!.end <= start) next++;
    for (let i = next; i < heard.length && heard[i]!.start < end; i++) {
      covered += Math.min(end, heard[i]!.end) - Math.max(start, heard[i]!.start);
    }
  }
  return sounding > 0 ? (100 * covered) / sounding : null;
}

/** The input samples the result copies, as sorted, disjoint intervals. */
function heardIntervals(copies: FoundCopies, resultLength: number): { start: number; end: number }[] {
  const sources = copySegments(copies, 0, resultLength)
    .map((s) => ({ start: s.start - s.offset, end: s.end - s.offset }))
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const interval of sources) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

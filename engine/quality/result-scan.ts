import { anchorFinder } from "./anchors.ts";
import { scanBlockSamples, visitBlocks } from "./blocks.ts";
import type { SampleSource, SourceSpan } from "./sample-source.ts";
import { SCAN_BLOCKS_PER_SILENCE_BLOCK, type SilenceSummary, silenceTracker, streamedLevels } from "./silence.ts";
import type { Steps } from "./steps.ts";

/**
 * A pass over the result's samples, in order: each 20 ms block (blocks.ts) goes to the anchor search (anchors.ts),
 * whose anchors go to `anchored` (a copy search, copies.ts) as they are found, and to the silence figures (silence.ts,
 * against the input's threshold), so that nothing per block or per anchor is held: a 10-hour result's scan was 43 MB
 * of floats, its levels 7 MB and its anchors 11 MB more (issue 22). The anchors' reads of the samples around a block
 * come from the spans the scan has just read.
 */
export function* scanResult(
  { scanning, near }: RecentSpans,
  anchored: (position: number, hash: number) => void,
  thresholdDb = -Infinity,
): Steps<SilenceSummary> {
  const source = scanning;
  const blockSamples = scanBlockSamples(source.sampleRate);
  const anchors = anchorFinder(near, anchored);
  const silence = silenceTracker(SCAN_BLOCKS_PER_SILENCE_BLOCK * blockSamples, thresholdDb);
  const level = streamedLevels({ blockSamples, frames: source.length, channelCount: source.channelCount }, silence.add);
  yield* visitBlocks(scanning, (k, max, arg, sumOfSquares) => {
    anchors.add(k, max, arg);
    level(k, sumOfSquares);
  });
  anchors.done();
  return silence.summary();
}

/**
 * Two views of a signal for a pass over it (scanResult): `scanning` reads it and remembers the last two spans read,
 * `near` answers from those when they hold the frames asked for (else reads the signal, remembering nothing). The
 * scan reads spans in order; the anchor search then looks at the blocks either side of each block (which may straddle
 * two spans), and a copy search fed its anchors at the frames around each anchor (copies.ts): read through `near`.
 */
export interface RecentSpans {
  readonly scanning: SampleSource;
  readonly near: SampleSource;
}

export function recentSpans(source: SampleSource): RecentSpans {
  let last: SourceSpan | undefined;
  let before: SourceSpan | undefined;
  const holds = (span: SourceSpan | undefined, from: number, to: number): span is SourceSpan =>
    span !== undefined && span.base <= from && to <= span.base + (span.channels[0]?.length ?? 0);
  const shape = { sampleRate: source.sampleRate, channelCount: source.channelCount, length: source.length };
  return {
    scanning: {
      ...shape,
      span: (from, to) => {
        before = last;
        last = source.span(from, to);
        return last;
      },
    },
    near: {
      ...shape,
      span: (from, to) => {
        const a = Math.max(0, Math.min(from, source.length));
        const z = Math.max(a, Math.min(to, source.length));
        if (holds(last, a, z)) return last;
        if (holds(before, a, z)) return before;
        return source.span(from, to);
      },
    },
  };
}

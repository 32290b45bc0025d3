import { anchorFinder, type Anchors } from "./anchors.ts";
import { scanBlockSamples, visitBlocks } from "./blocks.ts";
import type { SampleSource, SourceSpan } from "./sample-source.ts";
import { SCAN_BLOCKS_PER_SILENCE_BLOCK, type SilenceSummary, silenceTracker, streamedLevels } from "./silence.ts";
import type { Steps } from "./steps.ts";

/** What the form metrics keep from the result's one pass over its samples. */
export interface ScannedResult {
  readonly anchors: Anchors;
  readonly silence: SilenceSummary;
}

/**
 * The result's one pass over its samples, in order: each 20 ms block (blocks.ts) goes to the anchor search
 * (anchors.ts) and to the silence figures (silence.ts, against the input's threshold) as it is scanned, so that
 * nothing per block is held: a 10-hour result's scan was 43 MB of floats, its levels 7 MB more (issue 22). The
 * anchors' reads of the samples around a block come from the spans the scan has just read.
 */
export function* scanResult(source: SampleSource, thresholdDb: number): Steps<ScannedResult> {
  const { scanning, near } = recentSpans(source);
  const blockSamples = scanBlockSamples(source.sampleRate);
  const anchors = anchorFinder(near);
  const silence = silenceTracker(SCAN_BLOCKS_PER_SILENCE_BLOCK * blockSamples, thresholdDb);
  const level = streamedLevels({ blockSamples, frames: source.length, channelCount: source.channelCount }, silence.add);
  yield* visitBlocks(scanning, (k, max, arg, sumOfSquares) => {
    anchors.add(k, max, arg);
    level(k, sumOfSquares);
  });
  return { anchors: anchors.done(), silence: silence.summary() };
}

/**
 * Two views of `source`: `scanning` reads it and remembers the last two spans read, `near` answers from those when they
 * hold the frames asked for (else reads `source`, remembering nothing). The scan reads spans in order, and the anchor
 * search then looks at the blocks either side of each block, which may straddle two of them.
 */
function recentSpans(source: SampleSource): { readonly scanning: SampleSource; readonly near: SampleSource } {
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

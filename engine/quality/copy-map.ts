import type { FoundCopies } from "./copies.ts";
import type { BlockPlace } from "./loops.ts";
import type { SeamSource } from "./report.ts";
import type { SampleSource, SourceSpan } from "./sample-source.ts";

/**
 * Where each part of the result came from: the stretches that are sample-exact copies of the input (copies.ts),
 * laid end to end without overlap. Measuring a copied stretch again would only repeat the input's own analysis,
 * so measure.ts reads the input's figures there and analyses the result's own samples only in the gaps.
 */
export interface CopySegment {
  /** Result samples [start, end) equal input samples [start - offset, end - offset). */
  readonly start: number;
  readonly end: number;
  readonly offset: number;
}

/**
 * Non-overlapping copied stretches covering as much of result samples [from, to) as the copies do, in order. Only the
 * part of each run between its first and last matched anchor is used (certainly copied; its edges are not walked):
 * a run's last 20-40 ms at either end may be left to the gaps. Where runs overlap, the one reaching furthest wins.
 */
export function copySegments(copies: FoundCopies, from: number, to: number): CopySegment[] {
  const runs = copies.runs
    .filter((run) => run.last > from && run.first < to)
    .sort((a, b) => a.first - b.first || b.last - a.last);
  const segments: CopySegment[] = [];
  let cursor = from;
  let next = 0;
  while (cursor < to && next < runs.length) {
    // Among the runs starting at or before the cursor, the one that reaches furthest; else jump to the next run.
    let best: (typeof runs)[number] | undefined;
    while (next < runs.length && runs[next]!.first <= cursor) {
      const run = runs[next++]!;
      if (run.last > cursor && (best === undefined || run.last > best.last)) best = run;
    }
    if (best === undefined) {
      if (next < runs.length) cursor = Math.max(cursor, runs[next]!.first);
      continue;
    }
    const end = Math.min(to, best.last);
    const previous = segments.at(-1);
    if (previous && previous.end === cursor && previous.offset === best.offset)
      segments[segments.length - 1] = { ...previous, end };
    else segments.push({ start: cursor, end, offset: best.offset });
    cursor = end;
  }
  return segments;
}

/** The segment holding all of [start, end), or undefined; `segments` as copySegments returns them. */
export function segmentHolding(segments: readonly CopySegment[], start: number, end: number): CopySegment | undefined {
  return segments[segmentIndexHolding(segments, start, end)];
}

/** The index of the segment holding all of [start, end), or -1. */
function segmentIndexHolding(segments: readonly CopySegment[], start: number, end: number): number {
  let low = 0;
  let high = segments.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (segments[mid]!.end <= start) low = mid + 1;
    else high = mid;
  }
  const segment = segments[low];
  return segment && segment.start <= start && end <= segment.end ? low : -1;
}

/** Share (0..1) of [from, to) the segments cover. */
export function coveredShare(segments: readonly CopySegment[], from: number, to: number): number {
  const covered = segments.reduce((sum, s) => sum + Math.max(0, Math.min(to, s.end) - Math.max(from, s.start)), 0);
  return to > from ? covered / (to - from) : 0;
}

/** Offsets this close (samples) are one stretch of the input. */
const SAME_OFFSET_SAMPLES = 2;

/**
 * For a one-beat block of the measured part (block i: analysis frames [i, i + blockFrames) counted from result sample
 * `boundary`, frame f starting at boundary + f * hopSamples and frameSamples long), the offset of the segment holding
 * all its samples: from `segments` (copies found sample for sample), else from `placed` (the engine's own account of
 * its pieces, placedSegments: a piece whose level is ridden is no sample-exact copy, but still one stretch of the
 * input); NaN when neither holds it.
 */
export function blockPlace(
  blockFrames: number,
  segments: readonly CopySegment[],
  placed: readonly CopySegment[],
  grid: { readonly boundary: number; readonly hopSamples: number; readonly frameSamples: number },
): BlockPlace {
  const { boundary, hopSamples, frameSamples } = grid;
  const span = (blockFrames - 1) * hopSamples + frameSamples;
  const offsetOf = (i: number) => {
    const start = boundary + i * hopSamples;
    const copied = segmentHolding(segments, start, start + span)?.offset;
    const own = segmentHolding(placed, start, start + span)?.offset;
    if (copied === undefined) return own ?? Number.NaN;
    // The engine's seconds, rounded to samples, may put its piece a sample or two off the copy found.
    return own !== undefined && Math.abs(own - copied) <= SAME_OFFSET_SAMPLES ? own : copied;
  };
  return {
    offsetOf,
    // The input's block starting nearest the same samples (the input's frames start at its sample 0).
    sourceOf(i) {
      const offset = offsetOf(i);
      return Number.isNaN(offset) ? -1 : Math.round((boundary + i * hopSamples - offset) / hopSamples);
    },
  };
}

/**
 * The result's pieces after `boundary` as the engine placed them (seam k starts a piece that plays the input from
 * sources[k].toSeconds), as segments, each cut to the input's length (`inputLength`, samples). Not verified sample for
 * sample like copySegments: a piece whose level was ridden across a join is still the input's beats where it says.
 */
export function placedSegments(
  seams: readonly number[],
  sources: readonly SeamSource[],
  place: { readonly boundary: number; readonly end: number; readonly sampleRate: number; readonly inputLength: number },
): CopySegment[] {
  const { boundary, end, sampleRate, inputLength } = place;
  return seams.flatMap((seam, k) => {
    const start = Math.max(boundary, Math.round(seam * sampleRate));
    const offset = Math.round(seam * sampleRate) - Math.round(sources[k]!.toSeconds * sampleRate);
    const stop = Math.min(end, Math.round((seams[k + 1] ?? Infinity) * sampleRate), inputLength + offset);
    return stop > start ? [{ start, end: stop, offset }] : [];
  });
}

/**
 * `result` read from `input` wherever a span lies within one copied segment (copySegments: the same samples, bit for
 * bit), and from `result` elsewhere. A search of a streamed result against itself checks places anywhere in it,
 * which the stream's kept windows rarely hold: each such check rendered a window again. A span served here holds
 * exactly its segment's frames, so a reader walking past the segment's end asks again.
 */
export function copyBackedSource(
  result: SampleSource,
  input: SampleSource,
  segments: readonly CopySegment[],
): SampleSource {
  const whole = input.span(0, input.length);
  const views: (SourceSpan | undefined)[] = new Array(segments.length);
  const view = (k: number): SourceSpan => {
    const known = views[k];
    if (known) return known;
    const { start, end, offset } = segments[k]!;
    const a = start - offset - whole.base;
    const z = end - offset - whole.base;
    const made = {
      channels: whole.channels.map((c) => c.subarray(a, z)),
      bits: whole.bits.map((c) => c.subarray(a, z)),
      base: start,
    };
    views[k] = made;
    return made;
  };
  return {
    sampleRate: result.sampleRate,
    channelCount: result.channelCount,
    length: result.length,
    span: (from, to) => {
      const a = Math.max(0, Math.min(from, result.length));
      const z = Math.max(a + 1, Math.min(to, result.length));
      const k = segmentIndexHolding(segments, a, z);
      return k < 0 ? result.span(from, to) : view(k);
    },
  };
}

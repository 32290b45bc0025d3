import type { SourceRange } from "./plan.ts";
import type { WalkStep } from "./song-exit.ts";

/** Consecutive beats merged into ranges; the first range starts where `firstRangeStart` says. */
export function toRanges(
  steps: readonly WalkStep[],
  cuts: readonly number[],
  length: number,
  firstRangeStart?: (cut: number) => number,
): SourceRange[] {
  const ranges: { start: number; end: number }[] = [];
  for (const [i, step] of steps.entries()) {
    const cut = cuts[step.beat]! + step.shift;
    const start = i === 0 && firstRangeStart ? Math.max(0, firstRangeStart(cut)) : cut;
    const end = (cuts[step.beat + 1] ?? length) + step.shift;
    const previous = ranges[ranges.length - 1];
    if (previous && previous.end === start) previous.end = end;
    else ranges.push({ start, end });
  }
  return ranges;
}

/** Continue form: samples of the first range before its first beat's cut. */
export function leadInOf(
  steps: readonly WalkStep[],
  cuts: readonly number[],
  ranges: readonly SourceRange[],
): number | undefined {
  const first = steps[0];
  const range = ranges[0];
  if (!first || !range) return undefined;
  return Math.max(0, cuts[first.beat]! + first.shift - range.start);
}

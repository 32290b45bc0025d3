import type { SeamSource } from "../quality/report.ts";

/** One stretch of the input as it appears in the result, seconds (the remix renderer's RemixSegment). */
interface PlacedStretch {
  readonly outputStart: number;
  readonly sourceStart: number;
}

/**
 * Where each seam joins the input: the position the result leaves (where the stretch before the seam would have
 * gone on; before any listed stretch, the result is the input itself at the same time) and the one it enters (the
 * stretch starting at the seam). `stretches` in result order; a seam with no stretch starting there enters where it
 * leaves.
 */
export function seamSources(seams: readonly number[], stretches: readonly PlacedStretch[]): SeamSource[] {
  const tolerance = 1e-6;
  return seams.map((at) => {
    const before = stretches.findLast((s) => s.outputStart < at - tolerance);
    const fromSeconds = before ? before.sourceStart + (at - before.outputStart) : at;
    const entered = stretches.find((s) => Math.abs(s.outputStart - at) <= tolerance);
    return { fromSeconds, toSeconds: entered?.sourceStart ?? fromSeconds };
  });
}

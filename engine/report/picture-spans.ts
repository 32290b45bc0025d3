import type { SeamSource } from "../quality/report.ts";

/**
 * The stretches of the result (samples, [start, end)) the picture paints as added rather than as the song: where the
 * pieces between seams replay input already heard (a repeat, a re-ordered phrase), and everything after the kept
 * opening when the seams' input positions are unknown. Input not yet heard (the body going on, the song's own
 * ending) is the song. `keptLength`: where the kept opening ends (samples).
 */
export function addedSpans(
  seams: readonly number[],
  sources: readonly SeamSource[] | undefined,
  keptLength: number,
  total: number,
  sampleRate: number,
): [number, number][] {
  if (sources === undefined || sources.length !== seams.length) return keptLength < total ? [[keptLength, total]] : [];
  const spans: [number, number][] = [];
  let furthest = 0;
  const edges = seams.map((s) => Math.round(s * sampleRate));
  // The result up to the first seam is the input from its start.
  let pieceStart = 0;
  let sourceStart = 0;
  for (let k = 0; k <= edges.length; k++) {
    const pieceEnd = edges[k] ?? total;
    // The part of the piece that replays input already heard; the rest (if it runs on past it) is new.
    const repeated = Math.max(0, Math.min(pieceEnd - pieceStart, furthest - sourceStart));
    if (repeated > 0) spans.push([pieceStart, pieceStart + repeated]);
    furthest = Math.max(furthest, sourceStart + (pieceEnd - pieceStart));
    const next = sources[k];
    if (next === undefined) break;
    pieceStart = pieceEnd;
    sourceStart = Math.round(next.toSeconds * sampleRate);
  }
  return spans;
}

/** Whether sample `at` lies in one of `spans` (sorted, as addedSpans returns them). */
export function inSpans(spans: readonly (readonly [number, number])[], at: number): boolean {
  return spans.some(([start, end]) => at >= start && at < end);
}

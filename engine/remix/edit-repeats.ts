import type { Edit } from "./edit-candidates.ts";

/** A stretch of the song in the plan's output order, source samples, and the edit whose join ends it. */
interface Run {
  readonly start: number;
  readonly end: number;
  /** Index in the edits of the join after this run (undefined for the last run). */
  readonly joinedBy?: number;
}

/** The edits' plan as runs of the song in output order (before the joins are aligned to the pulse). */
function editRuns(edits: readonly Edit[], at: (beat: number) => number, length: number): Run[] {
  const runs: Run[] = [];
  let cursor = 0;
  const joinAt = (beat: number, next: number, edit: number) => {
    if (at(beat) > cursor) runs.push({ start: cursor, end: at(beat), joinedBy: edit });
    cursor = at(next);
  };
  for (const [i, edit] of edits.entries()) {
    if (edit.kind === "insert") {
      joinAt(edit.site, edit.from, i);
      joinAt(edit.to, edit.site, i);
    } else joinAt(edit.site, edit.kind === "repeat" ? edit.from : edit.to, i);
  }
  runs.push({ start: cursor, end: length });
  return runs;
}

/**
 * The longest stretch the edits make play twice in the same order, samples, and the edit to drop to shorten it. Two
 * edits that make the same join (out of the same bar into the same bar: Castle at x2, 4:58.5 into 2:08.7 twice) join
 * what is played twice on either side of it into one stretch, longer than any span the plan adds. The edit to drop is
 * the one whose join lies inside the later of the two copies, or that starts it.
 */
export function longestEditRepeat(
  edits: readonly Edit[],
  at: (beat: number) => number,
  length: number,
): { samples: number; edit?: Edit } {
  const runs = editRuns(edits, at, length);
  let best: { samples: number; edit?: Edit } = { samples: 0 };
  for (let j = 1; j < runs.length; j++) {
    for (let i = 0; i < j; i++) {
      const stretch = sharedFrom(runs, i, j);
      if (stretch.samples <= best.samples) continue;
      const edit = stretch.innerJoin ?? runs[j - 1]!.joinedBy;
      best = { samples: stretch.samples, edit: edit === undefined ? undefined : edits[edit] };
    }
  }
  return best;
}

/**
 * What runs i and j (i < j) share, carried on across joins while both copies make the same join: samples, and the
 * first join inside the later copy. The copies may overlap (dogs lovin at x2: 1:09.0–1:35.9 played twice, then
 * 1:09.0–1:15.7 played again at 1:35.9, the same join twice in a row: 26.9 s + 6.7 s = 33.6 s).
 */
function sharedFrom(runs: readonly Run[], i: number, j: number): { samples: number; innerJoin?: number } {
  let [a, b] = [runs[i]!, runs[j]!];
  const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  if (overlap <= 0) return { samples: 0 };
  let samples = overlap;
  let innerJoin: number | undefined;
  // Backwards while both copies start here and were joined from the same place.
  for (let k = 1; a.start === b.start && i - k >= 0; k++) {
    const [p, q] = [runs[i - k]!, runs[j - k]!];
    if (p.end !== q.end) break;
    samples += p.end - Math.max(p.start, q.start);
    innerJoin = q.joinedBy;
    if (p.start !== q.start) break;
    [a, b] = [p, q];
  }
  [a, b] = [runs[i]!, runs[j]!];
  // Forwards while both copies end here and join on to the same place.
  for (let k = 1; a.end === b.end && j + k < runs.length; k++) {
    const [p, q] = [runs[i + k]!, runs[j + k]!];
    if (p.start !== q.start) break;
    innerJoin ??= b.joinedBy;
    samples += Math.min(p.end, q.end) - p.start;
    if (p.end !== q.end) break;
    [a, b] = [p, q];
  }
  return { samples, innerJoin };
}

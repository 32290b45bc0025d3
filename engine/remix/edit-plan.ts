import type { BeatAnalysis } from "../analysis/beats.ts";
import type { PulseProfile } from "../analysis/continuity.ts";
import type { SongForm } from "../analysis/form.ts";
import { MAX_REPEAT_SECONDS, MAX_VERBATIM_SECONDS, scaledLimitSeconds } from "../variety.ts";
import { type Edit, editCandidates, editSites } from "./edit-candidates.ts";
import { longestEditRepeat } from "./edit-repeats.ts";
import type { JumpGraph } from "./jump-graph.ts";
import { cutPositions, type RemixPlan, type SourceRange } from "./plan.ts";

export interface EditPlanOptions {
  readonly targetSamples: number;
  readonly crossfadeSamples: number;
  readonly pulse?: PulseProfile;
}

/** An edit plan: the plan, and what was left out of the song (shortening), source samples. */
export interface EditedPlan {
  readonly plan: RemixPlan;
  readonly edits: readonly Edit[];
  readonly leftOut: readonly SourceRange[];
}

/** Amounts are searched in at most this many steps (a 20-minute song doubled: 3 s steps; each plan keeps its exact amount). */
const MAX_BUCKETS = 400;
/** Edits follow one another at least this far apart: a phrase of the song between two departures from it. */
const MIN_RUN_SECONDS = 8;
/** Silence after the song's ending, per beat, against an edit's cost (an edit costs about 2). */
const PAD_COST_PER_BEAT = 0.8;
/** A run after the last edit longer than the verbatim limit costs this much per second over. */
const LONG_TAIL_COST_PER_SECOND = 1;

/**
 * Plans by need, in song form: the song in its own order with the fewest, least audible edits that bring it to the
 * target. Longer: repeats of whole phrases or bar groups (a chorus again), or a phrase played again elsewhere;
 * shorter: phrases left out. The intro and the song's own ending are kept whole, every join is on a bar line, and the
 * result is exact (the last part of a bar in silence after the ending, or trailing silence cut). The variety limits
 * scale with what is added (see engine/variety.ts). Undefined when no set of edits reaches the target.
 */
export function planEdits(
  analysis: BeatAnalysis,
  graph: JumpGraph,
  form: SongForm,
  options: EditPlanOptions,
): EditedPlan | undefined {
  const { length, sampleRate, beatSamples } = analysis;
  const cuts = cutPositions(analysis, options.crossfadeSamples);
  const at = (beat: number) => cuts[beat] ?? length;
  const target = options.targetSamples;
  const direction = target >= length ? "add" : "remove";
  const added = (target - length) / sampleRate;
  const maxPad = 4 * beatSamples;
  const trailingQuiet = Math.max(0, length - analysis.soundEnd);
  // The amount of song the edits must add (or leave out) for the pad to stay within [-trailingQuiet, maxPad].
  const wanted = Math.abs(target - length);
  const window =
    direction === "add" ? [wanted - maxPad, wanted + trailingQuiet] : [wanted - trailingQuiet, wanted + maxPad];
  const sites = editSites(form, graph);
  const maxSpanSamples = Math.min(
    scaledLimitSeconds(MAX_REPEAT_SECONDS, length / sampleRate, added) * sampleRate,
    window[1]!,
  );
  const edits = editCandidates(sites, { graph, form, cuts, length, sampleRate, direction, maxSpanSamples });
  const maxRun = scaledLimitSeconds(MAX_VERBATIM_SECONDS, length / sampleRate, added) * sampleRate;
  const search: Search = {
    window: [window[0]!, window[1]!],
    wanted,
    // Half a beat, coarser for large amounts (each cell keeps its exact amount): the search stays within MAX_BUCKETS.
    bucket: Math.max(1, Math.round(beatSamples / 2), Math.ceil(window[1]! / MAX_BUCKETS)),
    minRun: MIN_RUN_SECONDS * sampleRate,
    maxRun,
    tail: length - at(sites.at(-1)!),
    padCost: (pad) => (Math.abs(pad) / beatSamples) * PAD_COST_PER_BEAT,
    direction,
    sampleRate,
  };
  const maxRepeat = scaledLimitSeconds(MAX_REPEAT_SECONDS, length / sampleRate, added) * sampleRate;
  const chosen = chooseWithoutLongRepeats(edits, sites.map(at), search, { at, length, maxRepeat });
  if (!chosen) return undefined;
  return toPlan(chosen, { analysis, form, cuts, target, pulse: options.pulse, maxRun });
}

/** Edits left out in turn, at most, to keep two of them from making the same stretch play twice (edit-repeats.ts). */
const MAX_DROPPED_EDITS = 12;

/**
 * The cheapest edits whose plan plays no stretch of maxRepeat twice: while two chosen edits make the same join, the
 * later one is left out of the candidates and the search runs again (a plan without such a pair is the first choice).
 */
function chooseWithoutLongRepeats(
  edits: readonly Edit[],
  positions: readonly number[],
  search: Search,
  limit: { at: (beat: number) => number; length: number; maxRepeat: number },
): Edit[] | undefined {
  let candidates = edits;
  let chosen = chooseEdits(candidates, positions, search);
  for (let dropped = 0; chosen && dropped < MAX_DROPPED_EDITS; dropped++) {
    const repeat = longestEditRepeat(chosen, limit.at, limit.length);
    if (repeat.samples < limit.maxRepeat || !repeat.edit) break;
    candidates = candidates.filter((edit) => edit !== repeat.edit);
    const next = chooseEdits(candidates, positions, search);
    if (!next) break;
    chosen = next;
  }
  return chosen;
}

interface Search {
  readonly window: readonly [number, number];
  readonly wanted: number;
  readonly bucket: number;
  readonly minRun: number;
  readonly maxRun: number;
  /** Samples from the last site to the song's end (the ending). */
  readonly tail: number;
  readonly padCost: (pad: number) => number;
  readonly direction: "add" | "remove";
  readonly sampleRate: number;
}

/** A best partial plan: its cost, the exact samples its edits add or remove, and how it was reached. */
interface Cell {
  readonly cost: number;
  readonly amount: number;
  /** Source sample where the song plays on after the last edit: the run since then is heard contiguously. */
  readonly resume: number;
  readonly edit: number;
  readonly previous: Cell | undefined;
}

/**
 * Dynamic programming over the sites in song order: best[j][d] is the cheapest sequence of edits whose last one ends
 * at site j, adding or removing about d buckets. Runs between edits stay between minRun and maxRun samples.
 */
function chooseEdits(edits: readonly Edit[], positions: readonly number[], search: Search): Edit[] | undefined {
  const buckets = Math.ceil(search.window[1] / search.bucket) + 2;
  const best: (Cell | undefined)[][] = positions.map(() => new Array<Cell | undefined>(buckets));
  best[0]![0] = { cost: 0, amount: 0, resume: positions[0]!, edit: -1, previous: undefined };
  const order = edits.map((_, i) => i).sort((a, b) => edits[a]!.lo - edits[b]!.lo);
  let windowLo = -1;
  let reachable: Cell[] = [];
  for (const index of order) {
    const edit = edits[index]!;
    if (edit.lo !== windowLo) {
      windowLo = edit.lo;
      reachable = cheapestBefore(best, positions, edit.lo, search);
    }
    // A repeat's join comes after the span it repeats: the run before it reaches that far.
    const runFrom = positions[edit.lo]! + (edit.kind === "repeat" ? edit.amount : 0) - search.maxRun;
    for (const from of reachable) {
      const amount = from.amount + edit.amount;
      if (amount > search.window[1]) break;
      if (from.resume < runFrom) continue;
      const next = Math.round(amount / search.bucket);
      if (next >= buckets) continue;
      const cost = from.cost + edit.cost;
      const cell = best[edit.hi]![next];
      if (!cell || cost < cell.cost)
        best[edit.hi]![next] = { cost, amount, resume: edit.resume, edit: index, previous: from };
    }
  }
  let chosen: { cell: Cell; total: number } | undefined;
  for (const row of best) {
    for (const cell of row) {
      if (!cell || cell.amount < search.window[0] || cell.amount > search.window[1]) continue;
      const tailRun = search.tail + (positions.at(-1)! - cell.resume);
      const tailCost = (LONG_TAIL_COST_PER_SECOND * Math.max(0, tailRun - search.maxRun)) / search.sampleRate;
      const pad = search.direction === "add" ? search.wanted - cell.amount : cell.amount - search.wanted;
      const total = cell.cost + search.padCost(pad) + (Number.isFinite(tailCost) ? tailCost : 0);
      if (!chosen || total < chosen.total) chosen = { cell, total };
    }
  }
  if (!chosen) return undefined;
  const path: Edit[] = [];
  for (let cell: Cell | undefined = chosen.cell; cell && cell.edit >= 0; cell = cell.previous)
    path.push(edits[cell.edit]!);
  return path.reverse();
}

/**
 * For each bucket, the cheapest plan ending at a site from which an edit starting at site `lo` keeps the run rules;
 * the buckets reached, by amount.
 */
function cheapestBefore(
  best: readonly (Cell | undefined)[][],
  positions: readonly number[],
  lo: number,
  search: Search,
): Cell[] {
  const out = new Array<Cell | undefined>(best[0]!.length);
  // A plan's last edit resumes at or before its site j, so sites further back than maxRun only leave longer runs.
  for (let j = lo; j >= 0; j--) {
    if (j > 0 && positions[lo]! - positions[j]! > search.maxRun) j = 0;
    const row = best[j]!;
    for (let d = 0; d < row.length; d++) {
      const cell = row[d];
      if (!cell || (j === 0 && cell.edit >= 0)) continue;
      // From the intro's end (no edit yet) any run up to maxRun will do; between edits, at least minRun.
      const run = positions[lo]! - cell.resume;
      if (run > search.maxRun || (cell.edit >= 0 && run < search.minRun)) continue;
      if (!out[d] || cell.cost < out[d]!.cost) out[d] = cell;
    }
  }
  return out.filter((cell): cell is Cell => cell !== undefined).sort((a, b) => a.amount - b.amount);
}

/** The edits as ranges of the input, each join read where it keeps the pulse; the pad makes the result exact. */
function toPlan(
  edits: readonly Edit[],
  context: {
    analysis: BeatAnalysis;
    form: SongForm;
    cuts: readonly number[];
    target: number;
    pulse?: PulseProfile;
    maxRun: number;
  },
): EditedPlan {
  const { analysis, form, cuts, target, pulse } = context;
  const { length, sampleRate } = analysis;
  const at = (beat: number) => cuts[beat] ?? length;
  const ranges: SourceRange[] = [];
  const leftOut: SourceRange[] = [];
  let cursor = 0;
  let shift = 0;
  /** Plays on to `beat` (read with the current shift), then joins to `next`. */
  const joinAt = (beat: number, next: number) => {
    const stop = at(beat) + shift;
    if (stop > cursor) ranges.push({ start: cursor, end: stop });
    shift = pulse ? pulse.alignment(stop, at(next)) : 0;
    cursor = at(next) + shift;
  };
  for (const edit of edits) {
    if (edit.kind === "insert") {
      joinAt(edit.site, edit.from);
      joinAt(edit.to, edit.site);
    } else {
      if (edit.kind === "cut") leftOut.push({ start: at(edit.site), end: at(edit.to) });
      joinAt(edit.site, edit.kind === "repeat" ? edit.from : edit.to);
    }
  }
  ranges.push({ start: cursor, end: length });
  const total = ranges.reduce((sum, r) => sum + r.end - r.start, 0);
  const introSamples = at(form.introEndBeat);
  const shortfalls: string[] = [];
  const longest = longestRunAfter(ranges, introSamples);
  if (longest > context.maxRun + analysis.beatSamples) {
    shortfalls.push(
      `a stretch of ${(longest / sampleRate).toFixed(1)} s is copied contiguously (the limit for this length is ${(context.maxRun / sampleRate).toFixed(0)} s)`,
    );
  }
  return {
    plan: {
      form: "song",
      ranges,
      ending: { kind: "outro", beat: form.endingStartBeat, padSamples: target - total },
      introSamples,
      shortfalls,
    },
    edits,
    leftOut,
  };
}

/** The longest run of contiguous ranges in the output after output sample `from`, samples. */
function longestRunAfter(ranges: readonly SourceRange[], from: number): number {
  let longest = 0;
  let position = 0;
  let runStart = 0;
  for (const [i, range] of ranges.entries()) {
    if (i > 0 && ranges[i - 1]!.end !== range.start) runStart = position;
    position += range.end - range.start;
    longest = Math.max(longest, position - Math.max(runStart, from));
  }
  return longest;
}

import type { Anchors } from "./anchors.ts";
import { scanBlockSamples } from "./blocks.ts";
import {
  anchorMatcher,
  checkStride,
  type CopyRun,
  type CopySearch,
  exactEdges,
  type AnchorMatcher,
  type RunBounds,
} from "./copy-search.ts";
import type { SampleSource } from "./sample-source.ts";
import type { Steps } from "./steps.ts";

export type { AnchorMatcher, CopyRun, CopySearch, RunBounds } from "./copy-search.ts";

/** Anchors looked up between two steps. */
const STEP_ANCHORS = 64;

export interface FoundCopies {
  readonly runs: readonly RunBounds[];
  /** The run's exact edges (found once, then remembered). */
  readonly exact: (run: RunBounds) => CopyRun;
}

/** A signal with its anchors (findAnchors), so each signal is anchored once however many searches use it. */
export interface AnchoredAudio {
  readonly source: SampleSource;
  readonly anchors: Anchors;
}

/** A copy search fed anchors in order (AnchorMatcher), whose answer `done` gives once all are in. */
export interface Finder<T> {
  readonly add: AnchorMatcher["add"];
  done(): T;
}

const comparable = (a: SampleSource, b: SampleSource) =>
  a.channelCount === b.channelCount && a.sampleRate === b.sampleRate;

/**
 * Every run where `target` copies `source`, sample for sample (copy-search.ts), from the target's anchors fed in
 * order (a result's come from its scan as it goes: result-scan.ts); `done` gives them once all are in.
 */
export function copyRunFinder(target: SampleSource, source: AnchoredAudio): Finder<FoundCopies> {
  const runs: RunBounds[] = [];
  const matcher = comparable(target, source.source)
    ? anchorMatcher({ source: target, radius: scanBlockSamples(target.sampleRate) }, source, {}, (run) =>
        runs.push(run),
      )
    : undefined;
  return {
    add: (position, hash) => matcher?.add(position, hash),
    done() {
      matcher?.done();
      return { runs, exact: exactEdges(target, source.source, checkStride(target)) };
    },
  };
}

/**
 * The longest run (samples) where `target` copies an earlier part of itself, from its anchors fed in order: what
 * longestRunAfter gives for all such runs, without holding them. Each run is read as it ends, and a run ends as soon
 * as the next anchor does not continue it: a result hours long copies itself tens of thousands of times over (issue
 * 22). Its exact edges are found only while it could still be the longest: longer than the longest found, and not
 * shorter than what another run (even one still open) certainly copies; else the same short copy, met between every
 * two plays of a passage, would be walked again for each pair.
 */
export function selfCopyFinder(target: SampleSource, search: CopySearch): Finder<number> {
  const edges = exactEdges(target, target, checkStride(target), false);
  let longest = 0;
  const matcher = anchorMatcher(
    { source: target, radius: scanBlockSamples(target.sampleRate) },
    "self",
    search,
    (run, certain) => {
      const bound = run.highest - run.lowest;
      if (bound <= longest || bound < certain) return;
      const copy = edges(run);
      longest = Math.max(longest, copy.end - Math.max(copy.start, 0));
    },
    true,
  );
  return {
    add: matcher.add,
    done() {
      matcher.done();
      return longest;
    },
  };
}

/** Feeds held anchors to a search, in steps (one per STEP_ANCHORS anchors). */
export function* feedAnchors(anchors: Anchors, matcher: AnchorMatcher): Steps<void> {
  for (let k = 0; k < anchors.count; k++) {
    if (k % STEP_ANCHORS === 0) yield;
    matcher.add(anchors.position(k), anchors.hash(k));
  }
}

/**
 * Length of the longest run, samples (0 for none), counting only target samples at or after `from`. Runs are
 * taken longest possible first, and their edges found only while one could still be longer than the best so far.
 */
export function longestRunAfter(copies: FoundCopies, from = 0): number {
  const bound = (run: RunBounds) => run.highest - Math.max(run.lowest, from);
  const order = [...copies.runs].sort((a, b) => bound(b) - bound(a));
  let longest = 0;
  for (const run of order) {
    if (bound(run) <= longest) break;
    const copy = copies.exact(run);
    longest = Math.max(longest, copy.end - Math.max(copy.start, from));
  }
  return longest;
}

/**
 * The offsets at which one run alone copies at least `minimum` samples of the source window [from, to): where a
 * given passage of the source appears in the target, mostly whole. Pieces of several short runs never add up:
 * music whose bass and chords repeat exactly between varying drums shares many short copies with itself.
 */
export function offsetsCopying(copies: FoundCopies, from: number, to: number, minimum: number): Set<number> {
  const overlap = (start: number, end: number, offset: number) =>
    Math.min(to, end - offset) - Math.max(from, start - offset);
  const offsets = new Set<number>();
  for (const run of copies.runs) {
    if (overlap(run.lowest, run.highest, run.offset) < Math.max(1, minimum)) continue;
    const copy = copies.exact(run);
    if (overlap(copy.start, copy.end, copy.offset) >= Math.max(1, minimum)) offsets.add(run.offset);
  }
  return offsets;
}

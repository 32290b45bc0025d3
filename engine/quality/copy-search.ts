import { ANCHOR_SPAN, matchingFrames, type Anchors } from "./anchors.ts";
import { hashIndex, selfIndex } from "./hash-index.ts";
import type { SampleSource } from "./sample-source.ts";

/**
 * Sample-exact copies found by matching anchors (see anchors.ts). A copy run is a stretch of the target that
 * equals a stretch of the source bit for bit, every channel.
 */
export interface CopyRun {
  /** First sample of the stretch in the target. */
  readonly start: number;
  /** One past its last sample. */
  readonly end: number;
  /** Target position minus source position, samples: the target's [start, end) is the source's [start - offset, end - offset). */
  readonly offset: number;
}

/**
 * A run as the anchors found it: where its matched anchors lie, and how far its exact edges can at most reach.
 * Edges are found only when a question needs them (copiesExactly): music made of exactly repeated loops has tens
 * of thousands of short copies, and walking each one's edges would read the audio many times over.
 */
export interface RunBounds {
  readonly offset: number;
  /** Target samples [first, last) hold the run's matched anchors and their ANCHOR_SPAN frames: certainly copied. */
  readonly first: number;
  readonly last: number;
  /** The run cannot start before `lowest` nor end after `highest` (target samples). */
  readonly lowest: number;
  readonly highest: number;
}

export interface CopySearch {
  /** Searching the target against itself: only earlier copies at least this many samples back count. */
  readonly minOffsetSamples?: number;
}

/**
 * Frames between two same-offset anchors are checked one every 5 ms (and the last) before the anchors join one run:
 * a different passage differs in nearly every frame, a fade or crossfade (5 ms or more in the engines) in every
 * frame it spans, so a check lands in it. Anchors alone are not enough: music whose bass and chords repeat exactly
 * while its drums vary matches at the anchors between drum hits. Checking every frame would read the audio once
 * per copy (memory-bound: as slow as the scan itself, times the copies). Edges are walked in 5 ms hops, then
 * frame by frame.
 */
const CHECK_SECONDS = 0.005;

export const checkStride = (audio: SampleSource): number => Math.max(1, Math.round(CHECK_SECONDS * audio.sampleRate));

/** A run being built: where its first and last anchor lie, and the anchors either side of it once known. */
interface OpenRun {
  readonly offset: number;
  /** Position of its first anchor, and of the target's anchor before that one (undefined: none). */
  readonly first: number;
  readonly before: number | undefined;
  /** Index and position of its last anchor so far. */
  last: number;
  lastPosition: number;
  /** Position of the target's anchor after its last one, once that anchor has come (undefined: none yet). */
  after: number | undefined;
}

/** The target's anchors fed one at a time, in order (a position and a hash, as findAnchors gives them); then done. */
export interface AnchorMatcher {
  add(position: number, hash: number): void;
  done(): void;
}

/**
 * The copy search, fed the target's anchors in order (none is held: a result's anchors can come straight from its
 * scan). Target anchors are looked up by hash among the source's anchors (or, with source "self", the target's own
 * earlier ones) and their ANCHOR_SPAN frames verified; consecutive anchors with the same offset continue one run when
 * the frames between them also match (see CHECK_SECONDS; a copied quiet passage may have no anchors for a while). An
 * anchor in between that does not match at that offset ends the run: inside a copy every anchor of the target has
 * its twin in the source (unless MAX_POSITIONS_PER_HASH cut its list). For the same reason a run's edges lie within
 * W + ANCHOR_SPAN of the neighbouring unmatched anchors: those are its bounds. Each run goes to `found` when the same
 * offset starts again or at the end; with `early`, as soon as an anchor does not continue it (the same runs, in
 * another order, none held open). With it comes `certain`: the longest [first, last) of any run so far, open ones
 * included, which no run's exact length is below.
 * Cost: O(anchors x copies per anchor) lookups; against a source, one frame per 5 ms of every copy checked, against
 * itself about one per 5 ms of the target (hash-index.ts).
 */
export function anchorMatcher(
  target: { readonly source: SampleSource; readonly radius: number },
  source: { readonly source: SampleSource; readonly anchors: Anchors } | "self",
  search: CopySearch,
  found: (run: RunBounds, certain: number) => void,
  early = false,
): AnchorMatcher {
  const { source: targetBits, radius } = target;
  const sourceBits = source === "self" ? targetBits : source.source;
  const targetLength = targetBits.length;
  const sourceLength = sourceBits.length;
  const minOffset = source === "self" ? Math.max(1, search.minOffsetSamples ?? 1) : -Infinity;
  const stride = checkStride(targetBits);
  const index =
    source === "self" ? selfIndex(targetBits, stride) : hashIndex(source.anchors, targetBits, sourceBits, stride);
  let certain = 0;
  const close = ({ offset, first, before, lastPosition, after }: OpenRun) =>
    found(
      {
        offset,
        first,
        last: lastPosition + ANCHOR_SPAN,
        lowest: Math.max(0, offset, before === undefined ? 0 : before - radius),
        highest: Math.min(
          targetLength,
          sourceLength + offset,
          after === undefined ? Infinity : after + radius + ANCHOR_SPAN,
        ),
      },
      certain,
    );
  const open = new Map<number, OpenRun>();
  // The runs opened or continued at the anchor before, and at this one.
  let previous: OpenRun[] = [];
  let current: OpenRun[] = [];
  let k = 0;
  let previousPosition: number | undefined;
  return {
    add(t, hash) {
      for (const run of previous) run.after = t;
      const candidates = index.lookUp(t, hash, previousPosition);
      for (let i = 0; i < candidates.count; i++) {
        const offset = t - candidates.position(i);
        if (offset < minOffset || !candidates.spanMatches(i)) continue;
        const run = open.get(offset);
        if (run && run.last === k - 1 && candidates.gapMatches(i, run.lastPosition + ANCHOR_SPAN)) {
          run.last = k;
          run.lastPosition = t;
          run.after = undefined;
          certain = Math.max(certain, t + ANCHOR_SPAN - run.first);
          current.push(run);
          continue;
        }
        if (run) close(run);
        const opened = { offset, first: t, before: previousPosition, last: k, lastPosition: t, after: undefined };
        open.set(offset, opened);
        certain = Math.max(certain, ANCHOR_SPAN);
        current.push(opened);
      }
      index.remember();
      // A run that this anchor did not continue can never be continued again.
      for (const run of early ? previous : []) {
        if (run.last === k - 1 && open.get(run.offset) === run) {
          close(run);
          open.delete(run.offset);
        }
      }
      const emptied = previous;
      emptied.length = 0;
      previous = current;
      current = emptied;
      previousPosition = t;
      k++;
    },
    done() {
      for (const run of open.values()) close(run);
      open.clear();
    },
  };
}

/** matchingFrames from frame a of `x` and frame b of `y`, read from the two sources. */
function framesMatching(
  x: SampleSource,
  a: number,
  y: SampleSource,
  b: number,
  limit: number,
  backward: boolean,
  stride: number,
): number {
  const n = Math.max(0, backward ? Math.min(limit, a, b) : Math.min(limit, x.length - a, y.length - b));
  if (n === 0) return 0;
  const xs = backward ? x.span(a - n, a) : x.span(a, a + n);
  const ys = backward ? y.span(b - n, b) : y.span(b, b + n);
  return matchingFrames(xs.bits, a - xs.base, ys.bits, b - ys.base, n, backward, stride);
}

/**
 * A run's exact edges, found sample by sample within its bounds the first time they are asked for (every time when not
 * `remembered`).
 */
export function exactEdges(
  targetBits: SampleSource,
  sourceBits: SampleSource,
  stride: number,
  remembered = true,
): (run: RunBounds) => CopyRun {
  const found = new Map<RunBounds, CopyRun>();
  return (run) => {
    const known = found.get(run);
    if (known) return known;
    const { offset, first, last } = run;
    const start =
      first - framesMatching(targetBits, first, sourceBits, first - offset, first - run.lowest, true, stride);
    const end = last + framesMatching(targetBits, last, sourceBits, last - offset, run.highest - last, false, stride);
    const copy = { start, end, offset };
    if (remembered) found.set(run, copy);
    return copy;
  };
}

import { ANCHOR_SPAN, type Anchors } from "./anchors.ts";
import type { SampleSource } from "./sample-source.ts";

/** Positions kept per hash: bounds the work on music made of one sample-exact loop repeated many times. */
const MAX_POSITIONS_PER_HASH = 64;

/**
 * The earlier anchors with the same hash as the target's anchor at t (looked up by hashIndex or selfIndex), and the
 * checks the copy search asks of each. Candidate i is at source position(i); its offset is t - position(i).
 */
export interface Candidates {
  readonly count: number;
  position(i: number): number;
  /** Whether the ANCHOR_SPAN frames from t equal those from position(i), every channel. */
  spanMatches(i: number): boolean;
  /**
   * Whether target frames [gapStart, t) equal the source's frames at the same offset, checked at `stride` (and the
   * last): gapStart is ANCHOR_SPAN past the target's anchor before t.
   */
  gapMatches(i: number, gapStart: number): boolean;
}

/** Candidates for each target anchor in turn: lookUp for the anchor at t (its previous anchor at `previous`). */
export interface CandidateIndex {
  lookUp(t: number, hash: number, previous: number | undefined): Candidates;
  /** Keeps the anchor looked up last, once its candidates were read (a search of the target against itself). */
  remember(): void;
}

/**
 * The source's anchors by hash (the first MAX_POSITIONS_PER_HASH of each), each candidate's frames checked as asked.
 * Cost: one frame check per candidate; the source's anchors of one hash are few (an input plays a passage a few times).
 */
export function hashIndex(
  anchors: Anchors,
  target: SampleSource,
  source: SampleSource,
  stride: number,
): CandidateIndex {
  const index = new Map<number, number[]>();
  for (let k = 0; k < anchors.count; k++) {
    const list = index.get(anchors.hash(k));
    if (!list) index.set(anchors.hash(k), [anchors.position(k)]);
    else if (list.length < MAX_POSITIONS_PER_HASH) list.push(anchors.position(k));
  }
  const none: number[] = [];
  let positions = none;
  let t = 0;
  const candidates: Candidates = {
    get count() {
      return positions.length;
    },
    position: (i) => positions[i]!,
    spanMatches: (i) => rangesMatch(target, t, source, positions[i]!, ANCHOR_SPAN, 1),
    gapMatches: (i, gapStart) =>
      rangesMatch(target, gapStart, source, gapStart - t + positions[i]!, t - gapStart, stride),
  };
  return {
    lookUp(at, hash) {
      t = at;
      positions = index.get(hash) ?? none;
      return candidates;
    },
    remember: () => {},
  };
}

/**
 * Local class ids: at most MAX_POSITIONS_PER_HASH entries are kept per hash, so an id below 128 is always free.
 * An entry is two numbers: its position, and `distance * CLASSES ** 2 + spanClass * CLASSES + gapClass` (exact in a
 * double for any distance below 2 ** 39 samples).
 */
const CLASSES = 128;

/**
 * The target's own earlier anchors by hash, for a search of the target against itself: each hash keeps its newest
 * MAX_POSITIONS_PER_HASH positions, the oldest giving way. A passage played 50 times has 50 earlier anchors for each
 * of its anchors, and checking each one's frames made the search's work grow with the square of the length; but
 * equal frames are equal to the same third ones. So each kept anchor carries two class ids, valid within its hash's
 * list: anchors with the same span class have the same ANCHOR_SPAN frames, and anchors with the same gap class the
 * same distance to the target's anchor before them and the same frames (checked at `stride`) between that anchor's
 * span and theirs. A new anchor's frames are checked against one anchor of each class at most (usually one), and
 * every candidate's answer read from the classes: what checking its frames would have answered, bit for bit.
 * A gap whose source side does not end at an anchor distance-equal to the target's is still checked frame by frame.
 */
export function selfIndex(target: SampleSource, stride: number): CandidateIndex {
  const index = new Map<number, number[]>();
  const none: number[] = [];
  // The anchor looked up last, and its classes once known (-1: not yet).
  let list = none;
  let hash = 0;
  let t = 0;
  let distance = 0;
  let spanClass = -1;
  let gapClass = -1;
  const classes = classPicker();
  const count = () => list.length / 2;
  const positionOf = (i: number) => list[2 * i]!;
  const distanceOf = (i: number) => Math.floor(list[2 * i + 1]! / (CLASSES * CLASSES));
  const spanClassOf = (i: number) => Math.floor(list[2 * i + 1]! / CLASSES) % CLASSES;
  const gapClassOf = (i: number) => list[2 * i + 1]! % CLASSES;
  const spanSame = (i: number) => rangesMatch(target, t, target, positionOf(i), ANCHOR_SPAN, 1);
  const gapSame = (i: number) =>
    rangesMatch(
      target,
      t - distance + ANCHOR_SPAN,
      target,
      positionOf(i) - distance + ANCHOR_SPAN,
      distance - ANCHOR_SPAN,
      stride,
    );
  const currentGapClass = () => {
    if (gapClass < 0)
      gapClass =
        distance === 0
          ? classes.free(count(), gapClassOf)
          : classes.find(count(), gapClassOf, (i) => distanceOf(i) === distance, gapSame);
    return gapClass;
  };

  const candidates: Candidates = {
    get count() {
      return count();
    },
    position: positionOf,
    spanMatches: (i) => spanClassOf(i) === spanClass,
    gapMatches: (i, gapStart) =>
      distance !== 0 && distanceOf(i) === distance && gapStart === t - distance + ANCHOR_SPAN
        ? gapClassOf(i) === currentGapClass()
        : rangesMatch(target, gapStart, target, gapStart - t + positionOf(i), t - gapStart, stride),
  };
  return {
    lookUp(at, atHash, previous) {
      list = index.get(atHash) ?? none;
      hash = atHash;
      t = at;
      distance = previous === undefined ? 0 : at - previous;
      gapClass = -1;
      spanClass = classes.find(count(), spanClassOf, () => true, spanSame);
      return candidates;
    },
    remember() {
      const entry = distance * CLASSES * CLASSES + spanClass * CLASSES + currentGapClass();
      if (list === none) index.set(hash, [t, entry]);
      else {
        if (list.length === 2 * MAX_POSITIONS_PER_HASH) list.splice(0, 2);
        list.push(t, entry);
      }
    },
  };
}

/** Class ids for the entries of one list at a time, each id marked with a stamp: in use, or checked already. */
function classPicker() {
  const marks = new Int32Array(CLASSES);
  let stamp = 0;
  /** An id that none of entries [0, count) has. */
  const free = (count: number, classOf: (i: number) => number) => {
    stamp++;
    for (let i = 0; i < count; i++) marks[classOf(i)] = stamp;
    return marks.findIndex((mark) => mark !== stamp);
  };
  return {
    free,
    /** The class of the first `eligible` entry whose frames are the `same` (one entry of each class asked), else a free one. */
    find(
      count: number,
      classOf: (i: number) => number,
      eligible: (i: number) => boolean,
      same: (i: number) => boolean,
    ): number {
      stamp++;
      for (let i = 0; i < count; i++) {
        const c = classOf(i);
        if (marks[c] === stamp || !eligible(i)) continue;
        marks[c] = stamp;
        if (same(i)) return c;
      }
      return free(count, classOf);
    },
  };
}

/**
 * Frames [a, a + n) of `x` and [b, b + n) of `y` (both inside their signals) equal, every channel, checked at frames
 * 0, stride, 2 stride, ... and the last, each read where the sources keep it. A gap between two anchors is often
 * longer than a stream's kept window: asking for the whole gap at once would render it again for one frame in 220.
 */
export function rangesMatch(
  x: SampleSource,
  a: number,
  y: SampleSource,
  b: number,
  n: number,
  stride: number,
): boolean {
  if (n <= 0) return true;
  let xs = x.span(a, a + 1);
  let ys = y.span(b, b + 1);
  for (let k = 0; ; k = Math.min(k + stride, n - 1)) {
    const i = a + k;
    const j = b + k;
    if (i - xs.base >= xs.bits[0]!.length) xs = x.span(i, i + 1);
    if (j - ys.base >= ys.bits[0]!.length) ys = y.span(j, j + 1);
    for (let c = 0; c < xs.bits.length; c++) if (xs.bits[c]![i - xs.base] !== ys.bits[c]![j - ys.base]) return false;
    if (k === n - 1) return true;
  }
}

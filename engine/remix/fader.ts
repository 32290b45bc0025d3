import { loudnessOfPower, powerOfLoudness } from "../audio/k-weighting.ts";
import { SHORT_TERM_SECONDS, shortTermLufsAt } from "../audio/loudness.ts";
import { SILENCE_LUFS } from "../analysis/continuity.ts";
import type { Timeline, TimelineOp } from "./timeline.ts";

/**
 * The gain stage under level-ride.ts: applies smooth gain curves to the output in place, remembers what it applied
 * (per 10 ms block, while a later join may read it), and reads the short-term loudness on either side of a join, from the output's own samples or,
 * faster, from the input's loudness profile where the output copies the input.
 */

/** Loudness (LUFS) of output samples [from, to) as rendered, before any gain. */
export type RawLoudness = (from: number, to: number) => number;

export interface Fader {
  /** The output as rendered so far; the gains are added to it as operations. */
  readonly timeline: Timeline;
  readonly sampleRate: number;
  /** Samples per block of the gain history (10 ms). */
  readonly block: number;
  /** Mean gain applied so far in each block, dB. */
  readonly history: GainHistory;
  /** Without it, loudness is measured on the output's samples (K-weighted, as the quality metric does). */
  readonly rawLoudness?: RawLoudness;
}

const BLOCK_SECONDS = 0.01;

export function createFader(timeline: Timeline, rawLoudness?: RawLoudness): Fader {
  const sampleRate = timeline.sampleRate;
  const block = Math.max(1, Math.round(BLOCK_SECONDS * sampleRate));
  return { timeline, sampleRate, block, history: gainHistory(), rawLoudness };
}

/**
 * The gain applied per block (dB, as a float32), kept only for the blocks a later join can still read: levelStep reads
 * the short-term window before each join, joins in order, and lets go of the blocks before it. (One float per block
 * of the whole result was 14 MB for 10 hours, and stayed with the rendering operations.)
 */
export interface GainHistory {
  at(block: number): number;
  add(block: number, db: number): void;
  /** Blocks before `block` are never read again: a gain added there is dropped. */
  forget(block: number): void;
}

function gainHistory(): GainHistory {
  const gains = new Map<number, number>();
  let forgotten = 0;
  return {
    at(block) {
      if (block < forgotten) throw new RangeError(`gain history: block ${block} was let go (joins come in order)`);
      return gains.get(block) ?? 0;
    },
    add(block, db) {
      if (block >= forgotten) gains.set(block, Math.fround((gains.get(block) ?? 0) + db));
    },
    forget(block) {
      if (block <= forgotten) return;
      forgotten = block;
      for (const kept of gains.keys()) if (kept < block) gains.delete(kept);
    },
  };
}

/**
 * Multiplies the output's [from, to) by the gain gainDb(i) (dB), computed at the ends of each 10 ms block and
 * interpolated between (the curves change over tens of ms or more). Where it is 0 dB, samples are left exactly as
 * they are. `gainDb` must not change afterwards: it is called again whenever a window is rendered.
 */
export function applyGain(fader: Fader, from: number, to: number, gainDb: (i: number) => number): void {
  const { block, history } = fader;
  let first = Infinity;
  let last = -Infinity;
  forEachBlock(block, from, to, from, to, gainDb, (start, end) => {
    history.add(Math.floor(start / block), (((gainDb(start) + gainDb(end - 1)) / 2) * (end - start)) / block);
    first = Math.min(first, start);
    last = Math.max(last, end);
  });
  if (last <= first) return;
  fader.timeline.add({ from: first, to: last, apply: gainOp(block, from, to, gainDb) });
}

/** The rendering of applyGain's gain: a function of its own, so that it holds on to nothing else (the history). */
function gainOp(block: number, from: number, to: number, gainDb: (i: number) => number): TimelineOp["apply"] {
  return (out, offset, windowFrom, windowTo) => {
    forEachBlock(block, from, to, windowFrom, windowTo, gainDb, (start, end, a, slope, blockStart) => {
      for (const channel of out) {
        for (let i = start; i < end; i++) channel[i - offset]! *= a + slope * (i - blockStart);
      }
    });
  };
}

/**
 * The 10 ms blocks of the gain over [from, to) that meet [windowFrom, windowTo) and are not 0 dB at both ends: the
 * samples [start, end) of each within the window, its gain `a` at blockStart and slope per sample.
 */
function forEachBlock(
  block: number,
  from: number,
  to: number,
  windowFrom: number,
  windowTo: number,
  gainDb: (i: number) => number,
  visit: (start: number, end: number, a: number, slope: number, blockStart: number) => void,
): void {
  const stop = Math.min(to, windowTo);
  for (let b = Math.floor(Math.max(from, windowFrom) / block); b * block < stop; b++) {
    const start = Math.max(from, b * block);
    const last = Math.min(to, (b + 1) * block) - 1;
    if (last < start) continue;
    const first = gainDb(start);
    const final = gainDb(last);
    if (first === 0 && final === 0) continue;
    const a = 10 ** (first / 20);
    const slope = last > start ? (10 ** (final / 20) - a) / (last - start) : 0;
    visit(Math.max(start, windowFrom), Math.min(last + 1, windowTo), a, slope, start);
  }
}

/**
 * Short-term loudness (EBU R128, 3 s) of the output before `seam` (with the gain applied so far) and after it (as
 * rendered), LUFS. Undefined where a side does not fit. Joins are read in order (the gain history before this one's
 * window is let go).
 */
export function levelStep(fader: Fader, seam: number): { before: number; after: number } | undefined {
  const { timeline, sampleRate, block, history, rawLoudness } = fader;
  const span = Math.round(SHORT_TERM_SECONDS * sampleRate);
  if (seam - span < 0 || seam + span > timeline.length) return undefined;
  if (!rawLoudness) {
    const audio = { sampleRate, channels: timeline.read(seam - span, seam + span) };
    return { before: shortTermLufsAt(audio, 0), after: shortTermLufsAt(audio, span) };
  }
  let sum = 0;
  for (let at = seam - span; at < seam; at += block) {
    const end = Math.min(seam, at + block);
    const gain = history.at(Math.floor(at / block));
    sum += (end - at) * powerOfLoudness(rawLoudness(at, end) + gain);
  }
  history.forget(Math.floor((seam - span) / block));
  return { before: loudnessOfPower(sum / span), after: rawLoudness(seam, seam + span) };
}

/** Where the output copies the input: `count` samples from input sample `source` at output sample `output`. */
export interface CopiedPiece {
  readonly output: number;
  readonly source: number;
  readonly count: number;
}

/**
 * The output's raw loudness from the input's (`sourceLufs`: LUFS of input samples [start, end), e.g. the loudness
 * profile the planner reads), through the pieces the output copies; the crossfades at the joins are not told apart.
 */
export function copiedLoudness(
  pieces: readonly CopiedPiece[],
  sourceLufs: (start: number, end: number) => number,
): RawLoudness {
  const sorted = [...pieces].sort((a, b) => a.output - b.output);
  // The furthest output any piece up to each one reaches: the first piece that can meet `from` is found by bisection
  // (a long result has thousands of pieces and is read at every join).
  const reach = new Float64Array(sorted.length);
  sorted.forEach((piece, i) => {
    reach[i] = Math.max(i > 0 ? reach[i - 1]! : -Infinity, piece.output + piece.count);
  });
  return (from, to) => {
    let energy = 0;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (reach[mid]! > from) hi = mid;
      else lo = mid + 1;
    }
    for (let i = lo; i < sorted.length && sorted[i]!.output < to; i++) {
      const piece = sorted[i]!;
      const a = Math.max(from, piece.output);
      const b = Math.min(to, piece.output + piece.count);
      if (b <= a) continue;
      const lufs = sourceLufs(piece.source + a - piece.output, piece.source + b - piece.output);
      energy += (b - a) * powerOfLoudness(lufs);
    }
    return to > from && energy > 0 ? Math.max(SILENCE_LUFS, loudnessOfPower(energy / (to - from))) : SILENCE_LUFS;
  };
}

import { createBeatVectoriser } from "../analysis/beat-vectors.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import type { FrameFeatures } from "../analysis/features.ts";
import {
  blocksAlike,
  inputRepeats,
  MATCHING_SHARE,
  MIN_REPEAT_SECONDS,
  projection,
  spreadDirection,
} from "../quality/block-compare.ts";
import { slidingBlocks } from "../quality/loops.ts";
import type { PulseProfile } from "../analysis/continuity.ts";
import type { Phrase } from "./phrase.ts";
import type { SourceRange } from "./plan.ts";

/**
 * The lags heard around each lag the beats line up at, in analysis frames, nearest first: the tracker's beats wander by
 * a frame or two between two copies of a passage (flare's unrest_theme), and the measure tries every frame's lag.
 */
const LAG_JITTER = [0, -1, 1, -2, 2];

/** The walk hears its runs in a body of this many phrases or more: with fewer, hearing them only moves the loops. */
const MIN_RUN_PHRASES = 6;

/** The walk's ear (`ear`: made on first call) for a body of `phrases` phrases (none for a short body, see MIN_RUN_PHRASES). */
export function walkRunLoops(phrases: number, ear: () => RunLoops): RunLoops | undefined {
  return phrases >= MIN_RUN_PHRASES ? ear() : undefined;
}

/** createRunLoops, made on first use: the same ear afterwards. */
export const lazyRunLoops = (...args: Parameters<typeof createRunLoops>): (() => RunLoops) => {
  let ear: RunLoops | undefined;
  return () => (ear ??= createRunLoops(...args));
};

/**
 * The source `phrase` plays from a join: after its lead-in (continue form's first phrase), read with the pulse shift;
 * or, where it carries the run on (the song's own next phrase), read with the run's shift (`carried`).
 */
export function joinedStretch(
  phrase: Phrase,
  join: { readonly stop: number; readonly leadIn?: number },
  env: { readonly analysis: BeatAnalysis; readonly cuts: readonly number[]; readonly pulse?: PulseProfile },
  carried?: number,
): SourceRange {
  const at = (beat: number) => env.cuts[beat] ?? env.analysis.length;
  if (carried !== undefined) return { start: at(phrase.start) + carried, end: at(phrase.end) + carried };
  const entry = at(phrase.start) - (join.leadIn ?? 0);
  const shift = env.pulse ? env.pulse.alignment(join.stop, entry) : 0;
  return { start: entry + shift, end: at(phrase.end) + shift };
}

/**
 * Hears the output so far (`heard`: source ranges back to back from output 0) and tells, for a next stretch of the
 * song (source samples [start, end), heard from the output's end on; `cut`: where its first beat's cut is in the
 * source), the period (samples) of the shortest back-to-back loop under maxSeconds it makes, or undefined.
 */
export interface RunLoops {
  after(heard: readonly SourceRange[]): (next: SourceRange, cut: number) => number | undefined;
  /**
   * Whether a stretch that carries on an unbroken run of `runSamples` (the song's own next phrase after a join) can
   * still complete a loop: a window ending in it must reach back before the run, a lag under maxSeconds earlier.
   */
  carriesOn(runSamples: number): boolean;
}

/** A point of the output: its analysis frame in the input (-1: none) and its offset (output minus input sample). */
interface Point {
  readonly frame: number;
  readonly offset: number;
}

const NOWHERE: Point = { frame: -1, offset: Number.NaN };

/**
 * Hears a planned result's runs as the loop measure will (quality/loops.ts shortestLoopSeconds): the input's one-beat
 * blocks at every analysis frame (`frames`, the frames the beats were found on), compared `stride` frames apart at a
 * fixed lag, a loop where 80 % of a window at least one period and 2 s long match. A phrase choice is checked against
 * the run before it, not by its start: a song whose beat grid drifts between two copies of a passage (flare's
 * unrest_theme, 31 or 32 beats apart) has phrases that are the same audio but not beat by beat, and a run of two
 * phrases can repeat the run before it with neither phrase alike to the one it follows (widelands' ingame_00).
 * Lags are the output's beat positions before the next phrase, and a frame or two either side (LAG_JITTER); pairs
 * inside one unbroken stretch of the input, and pairs where the input repeats at that lag too, are left out, as the
 * measure does.
 */
export function createRunLoops(
  analysis: BeatAnalysis,
  frames: FrameFeatures,
  settings: {
    readonly cuts: readonly number[];
    readonly maxSeconds: number;
    /**
     * Every lag on the analysis hop grid, as the measure searches, not only those that line the next stretch's beats
     * up with the beats heard: dearer, for outputs of short pieces whose loops fall between beats (recent-bars.ts).
     */
    readonly everyLag?: boolean;
  },
): RunLoops {
  const ear = blockEar(analysis, frames);
  const reach = {
    cuts: settings.cuts,
    beatSamples: analysis.beatSamples,
    maxLag: settings.maxSeconds * analysis.sampleRate,
    minWindow: MIN_REPEAT_SECONDS * analysis.sampleRate,
    everyLag: settings.everyLag ?? false,
  };
  // Pairs inside the run never match, so MATCHING_SHARE of a window (at most maxLag and a stride) must lie within a lag
  // of the run's start: a run longer than this leaves too few pairs.
  const reachBack = (2 - MATCHING_SHARE) * (reach.maxLag + ear.strideSamples);
  return { after: (heard) => hearAfter(ear, reach, heard), carriesOn: (runSamples) => runSamples < reachBack };
}

/** The input's one-beat blocks at every analysis frame, and the measure's rule for a repeat between two of them. */
function blockEar(analysis: BeatAnalysis, frames: FrameFeatures) {
  const factor = analysis.sampleRate / frames.sampleRate;
  const hopSamples = frames.hop * factor;
  const blockFrames = Math.max(2, Math.round(analysis.beatSamples / hopSamples));
  const blocks = slidingBlocks(frames, blockFrames, createBeatVectoriser(analysis));
  const { count, size, vectors, stride } = blocks;
  const direction = spreadDirection(blocks);
  const projections = Float64Array.from({ length: count }, (_, i) => projection(vectors, i, size, direction));
  const frameOf = (source: number) => {
    const f = Math.round(source / hopSamples);
    return f >= 0 && f < count ? f : -1;
  };
  /** Whether frame b, `lag` samples after frame a in the output, is heard as a repeat of it (the measure's rule). */
  const repeats = (a: number, b: number, lag: number): boolean =>
    a >= 0 &&
    b >= 0 &&
    blocksAlike(blocks, projections, a, b) &&
    !inputRepeats(blocks, a, b, Math.round(lag / hopSamples));

  return { frameOf, repeats, hopSamples, strideSamples: stride * hopSamples, minLag: blockFrames * hopSamples };
}

/** RunLoops.after: the output's last seconds, compared with each next stretch at the lags its beats line up at. */
function hearAfter(
  ear: ReturnType<typeof blockEar>,
  reach: {
    readonly cuts: readonly number[];
    readonly beatSamples: number;
    readonly maxLag: number;
    readonly minWindow: number;
    readonly everyLag: boolean;
  },
  heard: readonly SourceRange[],
): (next: SourceRange, cut: number) => number | undefined {
  const { frameOf, repeats, hopSamples, strideSamples, minLag } = ear;
  const { maxLag, minWindow } = reach;
  const tail = outputTail(heard, maxLag + Math.max(maxLag, minWindow));
  const position = tail.end;
  // The points heard, one analysis hop apart back from the end (every point read falls on this grid), found as read.
  const back = Math.ceil((position - (tail.ranges.at(-1)?.output ?? position)) / hopSamples);
  const heardPoints = new Array<Point | undefined>(back + 1);
  const pointAt = (i: number): Point => {
    const output = position - i * hopSamples;
    const range = tail.ranges.find((r) => output >= r.output && output < r.output + r.end - r.start);
    if (!range) return NOWHERE;
    const source = range.start + output - range.output;
    return { frame: frameOf(source), offset: output - source };
  };
  const point = (output: number): Point => {
    const i = Math.round((position - output) / hopSamples);
    if (!(i > 0 && i <= back)) return NOWHERE;
    heardPoints[i] ??= pointAt(i);
    return heardPoints[i];
  };
  // Latest first: the lags a next stretch's beats line up at then come shortest first.
  const beatsHeard = beatOutputs(tail, reach.cuts, reach.beatSamples).sort((a, b) => b - a);
  // Per lag (in frames), what a next stretch is compared with: the points `lag` before its own (up to its start:
  // later ones are its own), and the window before it.
  const views = new Map<number, ReturnType<typeof view>>();
  const view = (lag: number) => {
    const window = Math.ceil(Math.max(lag, minWindow) / strideSamples);
    const facing = (k: number) => point(position + k * strideSamples - lag);
    const prior = priorMatches(window, (i) => {
      const [a, b] = [point(position - (i + 1) * strideSamples - lag), point(position - (i + 1) * strideSamples)];
      return a.offset !== b.offset && repeats(a.frame, b.frame, lag);
    });
    return { lag, window, facing, pointsBefore: Math.ceil(lag / strideSamples), prior };
  };
  const everyLag: number[] = [];
  if (reach.everyLag)
    for (let lag = Math.ceil(minLag / hopSamples); lag * hopSamples < maxLag; lag++) everyLag.push(lag * hopSamples);
  return (next, cut) => {
    const points = Math.max(1, Math.floor((next.end - next.start) / strideSamples));
    const offset = position - next.start;
    // Its beats' cuts play `cut - next.start` after its start: the lags that line them up with the cuts heard.
    const lags = reach.everyLag ? everyLag : beatsHeard.map((q) => position + cut - next.start - q);
    for (const exact of lags) {
      if (exact < minLag) continue;
      if (exact >= maxLag) return undefined;
      const nearest = Math.round(exact / hopSamples);
      for (const jitter of LAG_JITTER) {
        const key = nearest + jitter;
        if (jitter !== 0 && (key * hopSamples < minLag || key * hopSamples >= maxLag)) continue;
        if (!views.has(key)) views.set(key, view(key * hopSamples));
        const { lag, window, facing, pointsBefore, prior } = views.get(key)!;
        let matched = false;
        const matches = (k: number) => {
          const face = facing(k);
          const match = face.offset !== offset && repeats(face.frame, frameOf(next.start + k * strideSamples), lag);
          matched ||= match;
          return match;
        };
        if (windowFills(matches, Math.min(points, pointsBefore), window, prior)) return jitter === 0 ? exact : lag;
        // Blocks a frame or two apart are much alike: where the beats' own lag matched nothing, neither will those.
        if (jitter === 0 && !matched && prior.count(prior.reach()) === 0) break;
      }
    }
    return undefined;
  };
}

/** The points just before the next stretch, nearest first, as windowFills reads them (see there). */
interface Prior {
  /** How many of the `j` nearest match. */
  count(j: number): number;
  /** The fewest nearest points that miss more than a window may (the window's size when none do). */
  reach(): number;
}

/** Prior for `matches(i)` (point i before the next stretch, nearest first) and windows of `window` points, read lazily. */
function priorMatches(window: number, matches: (i: number) => boolean): Prior {
  const counts = [0];
  const count = (j: number) => {
    for (let i = counts.length - 1; i < j; i++) counts.push(counts[i]! + (matches(i) ? 1 : 0));
    return counts[j]!;
  };
  let reach: number | undefined;
  return {
    count,
    reach: () => {
      if (reach === undefined) {
        const allowed = window - MATCHING_SHARE * window;
        let j = 0;
        while (j < window && j - count(j) <= allowed) j++;
        reach = j;
      }
      return reach;
    },
  };
}

/**
 * Whether some window of `window` points ending in the next stretch has MATCHING_SHARE of them matching: its first `n`
 * points are compared (`matches(k)`; n is at most the window, as a lag has no more points before the stretch's start),
 * with the points just before it (`prior`). A window ending later than point n - 1 holds fewer matches than the one
 * ending there, so only those are read, and once the stretch's points miss more than a window may, none fills. A
 * window reading `prior.reach()` points before the stretch or more misses too: only later ones are weighed (most lags
 * fail there, on points the stretches weighed at one join share).
 */
function windowFills(matches: (k: number) => boolean, n: number, window: number, prior: Prior): boolean {
  const needed = MATCHING_SHARE * window;
  const first = window - prior.reach();
  if (first >= n) return false;
  for (let k = 0, matched = 0; k < n; k++) {
    if (matches(k)) matched++;
    else if (k + 1 - matched > window - needed) return false;
    if (k >= first && matched + window - k - 1 >= needed && matched + prior.count(window - k - 1) >= needed)
      return true;
  }
  return false;
}

/** The last `span` samples of the output, as ranges with their output positions; `end`: the output's length. */
function outputTail(heard: readonly SourceRange[], span: number) {
  const end = heard.reduce((sum, r) => sum + r.end - r.start, 0);
  const ranges: { start: number; end: number; output: number }[] = [];
  let output = end;
  for (let i = heard.length - 1; i >= 0 && output > end - span; i--) {
    const range = heard[i]!;
    output -= range.end - range.start;
    ranges.push({ start: range.start, end: range.end, output });
  }
  return { end, ranges };
}

/**
 * Where the output plays (or, read a little late, would have played) the cut of each beat heard in `tail` (`cuts`):
 * a range of the walk starts at a phrase's cut read up to half a beat late or early (a join's pulse shift).
 */
function beatOutputs(tail: ReturnType<typeof outputTail>, cuts: readonly number[], beatSamples: number): number[] {
  const outputs: number[] = [];
  for (const range of tail.ranges) {
    // The cuts are in order (the beats'): the first at or after the range's reach, by halving.
    const from = range.start - beatSamples / 2;
    let [low, high] = [0, cuts.length];
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cuts[mid]! >= from) high = mid;
      else low = mid + 1;
    }
    for (let i = low; i < cuts.length && cuts[i]! < range.end; i++) outputs.push(range.output + cuts[i]! - range.start);
  }
  return outputs;
}

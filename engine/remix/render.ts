import { peak } from "../audio/levels.ts";
import { fadeOutGain } from "../audio/fade.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import type { RemixPlan, SourceRange } from "./plan.ts";
import { downmix, rmsDb } from "../analysis/signal.ts";
import { finish } from "../quality/steps.ts";
import { joinShiftSteps, type JoinShifts, QUIET_SEARCH_SECONDS } from "./join-search-threads.ts";
import { memoisePair, quietestShift } from "./quiet-join.ts";
import type { LoudnessProfile } from "../analysis/continuity.ts";
import { copiedLoudness, type CopiedPiece } from "./fader.ts";
import { rideLevelsOn, type LevelRideSummary } from "./level-ride.ts";
import type { AudioStream } from "../audio/stream.ts";
import { copyOp, Timeline, type TimelineOp } from "./timeline.ts";

/** One stretch of the original as it appears in the result (seconds). */
export interface RemixSegment {
  readonly outputStart: number;
  readonly sourceStart: number;
  readonly seconds: number;
}

/** A rendered plan: read any window of it (see timeline.ts); its joins and level rides are known up front. */
export interface RenderedRemix extends AudioStream {
  /** Join points in the result, seconds. */
  readonly seams: number[];
  readonly segments: RemixSegment[];
  /** Where the level was ridden across joins (see level-ride.ts). */
  readonly levels: LevelRideSummary;
}

export interface RenderOptions {
  readonly targetSamples: number;
  /** Full crossfade length at each join, samples. */
  readonly crossfadeSamples: number;
  /**
   * Fade-in of the continuation when it enters much louder than the original's last moments (a song ending
   * in near-silence), samples: an entrance, not an onset out of nowhere.
   */
  readonly entranceFadeSamples?: number;
  /** The input's short-term loudness (the planner's): the level ride reads the joins' levels from it. */
  readonly loudness?: Pick<LoudnessProfile, "lufs">;
  /** The joins' quiet shifts, when searched beforehand (joinShiftSteps); else they are searched here. */
  readonly joinShifts?: JoinShifts;
}

/** The continuation fades in when its first 20 ms are this much louder than the original's last 20 ms. */
const ENTRANCE_LEVEL_JUMP_DB = 20;
const ENTRANCE_PROBE_SECONDS = 0.02;

/** Joins move by at most this much to meet a zero crossing. */
const ZERO_CROSSING_SEARCH_SECONDS = 0.0015;
/** A very short fade where the result is cut inside sound (never inside the untouched original). */
const SAFETY_FADE_SECONDS = 0.005;

/**
 * Plans the writing of the original untouched, then each planned range, joining non-contiguous ranges at zero
 * crossings with an equal-power crossfade centred on the join. The join right after the original can't overlap the
 * original's samples, so the outgoing side there is the original's last samples mirrored in time (continuous in
 * value, so no step). All channels are cut at the same positions. Nothing is rendered until a window is read.
 */
export function renderPlan(input: PcmAudio, plan: RemixPlan, options: RenderOptions): RenderedRemix {
  const sampleRate = input.sampleRate;
  const length = frameCount(input);
  const target = options.targetSamples;
  const mono = options.joinShifts?.mono ?? downmix(input);
  const ranges = alignJoins(mono, plan.ranges, sampleRate, options.crossfadeSamples, true, options.joinShifts?.shifts);
  const half = Math.max(1, Math.round(options.crossfadeSamples / 2));
  const timeline = new Timeline(input.channels.length, target, sampleRate);
  timeline.add(copyOp(input.channels, 0, 0, Math.min(length, target)));
  const seams: number[] = [];
  const segments: RemixSegment[] = [];
  let position = length;
  let lastStart = position;
  const pieces: CopiedPiece[] = [{ output: 0, source: 0, count: Math.min(length, target) }];
  for (const [index, range] of ranges.entries()) {
    if (position >= target) break;
    const count = Math.min(range.end - range.start, target - position);
    timeline.add(copyOp(input.channels, position, range.start, count));
    segments.push({
      outputStart: position / sampleRate,
      sourceStart: range.start / sampleRate,
      seconds: count / sampleRate,
    });
    const previous = ranges[index - 1];
    if (index === 0) {
      const probe = Math.round(ENTRANCE_PROBE_SECONDS * sampleRate);
      const jump = rmsDb(mono, range.start, range.start + probe) - rmsDb(mono, length - probe, length);
      if (options.entranceFadeSamples && jump > ENTRANCE_LEVEL_JUMP_DB) {
        // Only the lead-in is faded: the incoming beat's attack, at the end of it, is heard whole.
        const leadIn = plan.leadInSamples ?? options.entranceFadeSamples;
        timeline.add(fadeInOp(position, Math.min(options.entranceFadeSamples, leadIn, count)));
      }
      timeline.add(mirrorCrossfadeOp(input, length, 2 * half, target));
      seams.push(position / sampleRate);
    } else if (previous && previous.end !== range.start) {
      const op = centredCrossfadeOp(input, position, previous.end, range.start, half, length, target);
      if (op) timeline.add(op);
      seams.push(position / sampleRate);
    }
    lastStart = position;
    pieces.push({ output: position, source: range.start, count });
    position += count;
  }
  const levels = rideLevelsOn(timeline, {
    sampleRate,
    seams: seams.map((s) => Math.round(s * sampleRate)),
    protectedEnd: length,
    transitionSamples: half,
    // The song's own ending, when it ends the result, is heard at its own level throughout.
    unityFrom: plan.ending.kind === "outro" ? lastStart + (plan.ending.approachSamples ?? 0) : undefined,
    peak: () => peakOf(input),
    rawLoudness: options.loudness ? copiedLoudness(pieces, options.loudness.lufs) : undefined,
  });
  if (plan.ending.kind === "fade") {
    timeline.add(fadeOutOp(plan.ending.fadeStart, target));
  } else if (position >= target && target > length) {
    timeline.add(fadeOutOp(Math.max(length, target - Math.round(SAFETY_FADE_SECONDS * sampleRate)), target));
  }
  return renderedFrom(timeline, { seams, segments, levels });
}

/** The timeline as a RenderedRemix. */
export function renderedFrom(
  timeline: Timeline,
  made: Pick<RenderedRemix, "seams" | "segments" | "levels">,
): RenderedRemix {
  return {
    ...made,
    sampleRate: timeline.sampleRate,
    channelCount: timeline.channelCount,
    length: timeline.length,
    read: (from, to, into) => timeline.read(from, to, into),
  };
}

/** The largest sample magnitude of the input, every channel. */
export const peakOf = (input: PcmAudio): number => Math.max(0, ...input.channels.map(peak));

/**
 * Moves each join (both sides together, keeping the beat phase and the total length) to where the crossfade is
 * smoothest and both sides are near zero. `afterOriginal`: the first range follows the untouched original.
 */
export function alignJoins(
  mono: Float32Array,
  ranges: readonly SourceRange[],
  sampleRate: number,
  crossfadeSamples: number,
  afterOriginal: boolean,
  searched?: ReadonlyMap<string, number>,
): SourceRange[] {
  const length = mono.length;
  const search = Math.round(ZERO_CROSSING_SEARCH_SECONDS * sampleRate);
  const quietSearch = Math.round(QUIET_SEARCH_SECONDS * sampleRate);
  const half = Math.max(1, Math.round(crossfadeSamples / 2));
  const adjusted = ranges.map((r) => ({ ...r }));
  const first = adjusted[0];
  if (afterOriginal && first && length > 1) {
    // After the original: continue from where the value and slope match its last samples.
    const last = mono[length - 1]!;
    const slope = last - mono[length - 2]!;
    first.start = bestShift(
      first.start,
      search,
      length,
      (p) => Math.abs(mono[p]! - last) + Math.abs(mono[p + 1]! - mono[p]! - slope),
    );
  }
  // A long result makes the same joins (the same two input positions) many times over: each is searched once, all of
  // them up front, on two threads.
  const known = searched ? new Map(searched) : finish(joinShiftSteps(mono, ranges, sampleRate, crossfadeSamples));
  const quietest = memoisePair((a, b) => quietestShift(mono, a, b, quietSearch, sampleRate, half), known);
  const zeroCrossing = memoisePair((a, b) =>
    bestShift(0, search, Number.MAX_SAFE_INTEGER, (d) => {
      if (a + d < 1 || b + d < 1 || a + d + 1 >= length || b + d + 1 >= length) return Infinity;
      const slopeA = mono[a + d + 1]! - mono[a + d]!;
      const slopeB = mono[b + d + 1]! - mono[b + d]!;
      return Math.abs(mono[a + d]!) + Math.abs(mono[b + d]!) + 0.5 * Math.abs(slopeA - slopeB);
    }),
  );
  for (let i = 1; i < adjusted.length; i++) {
    const previous = adjusted[i - 1]!;
    const range = adjusted[i]!;
    if (previous.end === range.start) continue;
    // First the smoothest join up to 30 ms before the planned cut (a beat's attack may start a little before
    // the tracked beat), then the nearest shared zero crossing.
    const early = quietest(previous.end, range.start);
    if (previous.end + early > previous.start && range.start + early < range.end) {
      previous.end += early;
      range.start += early;
    }
    const a = previous.end;
    const b = range.start;
    const shifted = zeroCrossing(a, b);
    if (a + shifted > previous.start && b + shifted < range.end) {
      previous.end = a + shifted;
      range.start = b + shifted;
    }
  }
  return adjusted;
}

function bestShift(centre: number, search: number, limit: number, cost: (p: number) => number): number {
  let best = centre;
  let bestCost = Infinity;
  for (let p = centre - search; p <= centre + search; p++) {
    if (p < 0 || p + 1 >= limit) continue;
    const c = cost(p);
    if (c < bestCost) {
      bestCost = c;
      best = p;
    }
  }
  return best;
}

/**
 * out[at + k] for k in [-half, half): outgoing source[a + k] fades out while incoming source[b + k] fades in.
 * Output before `protectedEnd` (the untouched original) is never written. Undefined where no crossfade fits.
 */
export function centredCrossfadeOp(
  input: PcmAudio,
  at: number,
  a: number,
  b: number,
  half: number,
  protectedEnd: number,
  target: number,
): TimelineOp | undefined {
  const length = frameCount(input);
  const h = Math.min(half, a, b, length - a, length - b, at - protectedEnd, target - at);
  if (h <= 0) return undefined;
  const channels = input.channels;
  return {
    from: at - h,
    to: at + h,
    apply: (out, offset, from, to) => {
      for (let k = from - at; k < to - at; k++) {
        const t = (k + h + 0.5) / (2 * h);
        const fadeIn = Math.sin((Math.PI / 2) * t);
        const fadeOut = Math.cos((Math.PI / 2) * t);
        for (let c = 0; c < channels.length; c++) {
          const channel = channels[c]!;
          out[c]![at + k - offset] = fadeOut * channel[a + k]! + fadeIn * channel[b + k]!;
        }
      }
    },
  };
}

/**
 * The first join: the original's tail mirrored in time fades out over the new material already written at
 * out[length...] (faded in or not).
 */
function mirrorCrossfadeOp(input: PcmAudio, length: number, span: number, target: number): TimelineOp {
  const n = Math.min(span, length, target - length);
  return {
    from: length,
    to: length + Math.max(0, n),
    apply: (out, offset, from, to) => {
      for (let k = from - length; k < to - length; k++) {
        const t = (k + 0.5) / n;
        const fadeIn = Math.sin((Math.PI / 2) * t);
        const fadeOut = Math.cos((Math.PI / 2) * t);
        const i = length + k - offset;
        for (let c = 0; c < input.channels.length; c++) {
          out[c]![i] = fadeOut * input.channels[c]![length - 1 - k]! + fadeIn * out[c]![i]!;
        }
      }
    },
  };
}

/** Raised-cosine fade from silence over [start, start + n). */
function fadeInOp(start: number, n: number): TimelineOp {
  return {
    from: start,
    to: start + n,
    apply: (out, offset, from, to) => {
      for (const channel of out) {
        for (let i = from - start; i < to - start; i++) {
          channel[start + i - offset]! *= 0.5 * (1 - Math.cos((Math.PI * (i + 0.5)) / n));
        }
      }
    },
  };
}

/** Raised-cosine fade to silence over [start, end). */
export function fadeOutOp(start: number, end: number): TimelineOp {
  const n = end - start;
  return {
    from: start,
    to: end,
    apply: (out, offset, from, to) => {
      for (const channel of out) {
        for (let i = from; i < to; i++) channel[i - offset]! *= fadeOutGain("cosine", i - start, n);
      }
    },
  };
}

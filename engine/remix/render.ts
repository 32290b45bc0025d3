import { peak } from "../audio/levels.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import type { RemixPlan, SourceRange } from "./plan.ts";
import { downmix, rmsDb } from "../analysis/signal.ts";
import { quietestShift } from "./quiet-join.ts";
import type { LoudnessProfile } from "../analysis/continuity.ts";
import { copiedLoudness, type CopiedPiece } from "./fader.ts";
import { rideLevels, type LevelRideSummary } from "./level-ride.ts";

/** One stretch of the original as it appears in the result (seconds). */
export interface RemixSegment {
  readonly outputStart: number;
  readonly sourceStart: number;
  readonly seconds: number;
}

export interface RenderedRemix {
  readonly audio: PcmAudio;
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
}

/** The continuation fades in when its first 20 ms are this much louder than the original's last 20 ms. */
const ENTRANCE_LEVEL_JUMP_DB = 20;
const ENTRANCE_PROBE_SECONDS = 0.02;

/** Joins move by at most this much to meet a zero crossing. */
const ZERO_CROSSING_SEARCH_SECONDS = 0.0015;
/** Joins move up to this much earlier to where the crossfade is smoothest. */
const QUIET_SEARCH_SECONDS = 0.03;
/** A very short fade where the result is cut inside sound (never inside the untouched original). */
const SAFETY_FADE_SECONDS = 0.005;

/**
 * Writes the original untouched, then each planned range, joining non-contiguous ranges at zero crossings
 * with an equal-power crossfade centred on the join. The join right after the original can't overlap the
 * original's samples, so the outgoing side there is the original's last samples mirrored in time
 * (continuous in value, so no step). All channels are cut at the same positions.
 */
export function renderPlan(input: PcmAudio, plan: RemixPlan, options: RenderOptions): RenderedRemix {
  const sampleRate = input.sampleRate;
  const length = frameCount(input);
  const target = options.targetSamples;
  const mono = downmix(input);
  const ranges = alignJoins(mono, plan.ranges, sampleRate, options.crossfadeSamples, true);
  const half = Math.max(1, Math.round(options.crossfadeSamples / 2));
  const out = input.channels.map((channel) => {
    const samples = new Float32Array(target);
    samples.set(channel.subarray(0, Math.min(length, target)));
    return samples;
  });
  const seams: number[] = [];
  const segments: RemixSegment[] = [];
  let position = length;
  let lastStart = position;
  const pieces: CopiedPiece[] = [{ output: 0, source: 0, count: Math.min(length, target) }];
  for (const [index, range] of ranges.entries()) {
    if (position >= target) break;
    const count = Math.min(range.end - range.start, target - position);
    input.channels.forEach((channel, c) => {
      out[c]!.set(channel.subarray(range.start, range.start + count), position);
    });
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
        fadeIn(out, position, Math.min(options.entranceFadeSamples, count));
      }
      mirrorCrossfade(input, out, length, 2 * half, target);
      seams.push(position / sampleRate);
    } else if (previous && previous.end !== range.start) {
      centredCrossfade(input, out, position, previous.end, range.start, half, length, target);
      seams.push(position / sampleRate);
    }
    lastStart = position;
    pieces.push({ output: position, source: range.start, count });
    position += count;
  }
  const levels = rideLevels(out, {
    sampleRate,
    seams: seams.map((s) => Math.round(s * sampleRate)),
    protectedEnd: length,
    transitionSamples: half,
    // The song's own ending, when it ends the result, is heard at its own level throughout.
    unityFrom: plan.ending.kind === "outro" ? lastStart : undefined,
    peak: () => peakOf(input),
    rawLoudness: options.loudness ? copiedLoudness(pieces, options.loudness.lufs) : undefined,
  });
  if (plan.ending.kind === "fade") {
    fadeOut(out, plan.ending.fadeStart, target);
  } else if (position >= target && target > length) {
    fadeOut(out, Math.max(length, target - Math.round(SAFETY_FADE_SECONDS * sampleRate)), target);
  }
  return { audio: { sampleRate, channels: out }, seams, segments, levels };
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
  for (let i = 1; i < adjusted.length; i++) {
    const previous = adjusted[i - 1]!;
    const range = adjusted[i]!;
    if (previous.end === range.start) continue;
    // First the smoothest join up to 30 ms before the planned cut (a beat's attack may start a little before
    // the tracked beat), then the nearest shared zero crossing.
    const early = quietestShift(mono, previous.end, range.start, quietSearch, sampleRate, half);
    if (previous.end + early > previous.start && range.start + early < range.end) {
      previous.end += early;
      range.start += early;
    }
    const a = previous.end;
    const b = range.start;
    const shifted = bestShift(0, search, Number.MAX_SAFE_INTEGER, (d) => {
      if (a + d < 1 || b + d < 1 || a + d + 1 >= length || b + d + 1 >= length) return Infinity;
      const slopeA = mono[a + d + 1]! - mono[a + d]!;
      const slopeB = mono[b + d + 1]! - mono[b + d]!;
      return Math.abs(mono[a + d]!) + Math.abs(mono[b + d]!) + 0.5 * Math.abs(slopeA - slopeB);
    });
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
 * Output before `protectedEnd` (the untouched original) is never written.
 */
export function centredCrossfade(
  input: PcmAudio,
  out: Float32Array[],
  at: number,
  a: number,
  b: number,
  half: number,
  protectedEnd: number,
  target: number,
): void {
  const length = frameCount(input);
  const h = Math.min(half, a, b, length - a, length - b, at - protectedEnd, target - at);
  if (h <= 0) return;
  for (let k = -h; k < h; k++) {
    const t = (k + h + 0.5) / (2 * h);
    const fadeIn = Math.sin((Math.PI / 2) * t);
    const fadeOutGain = Math.cos((Math.PI / 2) * t);
    input.channels.forEach((channel, c) => {
      out[c]![at + k] = fadeOutGain * channel[a + k]! + fadeIn * channel[b + k]!;
    });
  }
}

/**
 * The first join: the original's tail mirrored in time fades out over the new material already written at
 * out[length...] (faded in or not).
 */
function mirrorCrossfade(input: PcmAudio, out: Float32Array[], length: number, span: number, target: number): void {
  const n = Math.min(span, length, target - length);
  for (let k = 0; k < n; k++) {
    const t = (k + 0.5) / n;
    const fadeInGain = Math.sin((Math.PI / 2) * t);
    const fadeOutGain = Math.cos((Math.PI / 2) * t);
    input.channels.forEach((channel, c) => {
      out[c]![length + k] = fadeOutGain * channel[length - 1 - k]! + fadeInGain * out[c]![length + k]!;
    });
  }
}

/** Raised-cosine fade from silence over [from, from + n). */
function fadeIn(out: Float32Array[], from: number, n: number): void {
  for (const channel of out) {
    for (let i = 0; i < n; i++) channel[from + i]! *= 0.5 * (1 - Math.cos((Math.PI * (i + 0.5)) / n));
  }
}

/** Raised-cosine fade to silence over [from, to). */
export function fadeOut(out: Float32Array[], from: number, to: number): void {
  const n = to - from;
  if (n <= 0) return;
  for (const channel of out) {
    for (let i = from; i < to; i++) channel[i]! *= 0.5 * (1 + Math.cos((Math.PI * (i - from + 1)) / n));
  }
}

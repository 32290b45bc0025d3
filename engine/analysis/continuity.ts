import { kWeightedPower, loudnessOfPower } from "../audio/k-weighting.ts";
import { SHORT_TERM_SECONDS } from "../audio/loudness.ts";
import { perAudio, type PcmAudio } from "../audio/pcm.ts";
import type { BeatAnalysis } from "./beats.ts";

/** Below this a window counts as silence (the R128 absolute gate). */
export const SILENCE_LUFS = -70;
const BLOCK_SECONDS = 0.01;
/** Seconds of onsets on each side of a join used to read the pulse's phase. */
const PULSE_WINDOW_SECONDS = 4;
/**
 * The comb reads phase to about half an analysis frame, the beat tracker to a few ms: pulse corrections
 * smaller than this share of a beat are left to the tracker's beats.
 */
const MIN_CORRECTION_BEATS = 1 / 12;
/** Pulse readings less clear than this (see PulseProfile.clarity) don't move a jump target. */
export const MIN_CLARITY_TO_CORRECT = 0.25;

/** K-weighted loudness of any stretch of the original, in 10 ms resolution. */
export interface LoudnessProfile {
  /** Loudness of samples [start, end) of the original, LUFS, floored at SILENCE_LUFS. */
  lufs(start: number, end: number): number;
  /** Short-term loudness (EBU R128, 3 s) of the 3 s before `position`. */
  before(position: number): number;
  /** Short-term loudness of the 3 s from `position` on. */
  after(position: number): number;
}

/**
 * The loudness profile of `audio`, computed once per audio object (the job computes it ahead, while the beats are
 * found in another thread; the engine's later call finds it). The samples must not change afterwards.
 */
export const createLoudnessProfile = perAudio(buildLoudnessProfile);

function buildLoudnessProfile(audio: PcmAudio): LoudnessProfile {
  const power = kWeightedPower(audio);
  const block = Math.max(1, Math.round(BLOCK_SECONDS * audio.sampleRate));
  const blocks = Math.ceil(power.length / block);
  const prefix = new Float64Array(blocks + 1);
  for (let b = 0; b < blocks; b++) {
    let sum = 0;
    for (let i = b * block; i < Math.min(power.length, (b + 1) * block); i++) sum += power[i]!;
    prefix[b + 1] = prefix[b]! + sum;
  }
  const window = Math.round(SHORT_TERM_SECONDS * audio.sampleRate);
  const lufs = (start: number, end: number): number => {
    const from = Math.max(0, Math.min(blocks, Math.round(start / block)));
    const to = Math.max(from, Math.min(blocks, Math.round(end / block)));
    if (to <= from) return SILENCE_LUFS;
    const mean = (prefix[to]! - prefix[from]!) / ((to - from) * block);
    return mean > 0 ? Math.max(SILENCE_LUFS, loudnessOfPower(mean)) : SILENCE_LUFS;
  };
  return {
    lufs,
    before: (position) => lufs(position - window, position),
    after: (position) => lufs(position, position + window),
  };
}

/**
 * The song's pulse read from its onset envelope: a comb at the song's beat period laid over the few seconds
 * on one side of a position. Used to keep the pulse continuous across a join even where the beat tracker
 * placed a section's beats on the off-beat.
 */
export interface PulseProfile {
  /** Beat period, samples. */
  readonly periodSamples: number;
  /**
   * Samples to add to a jump target so that the pulse after it continues the pulse before the jump's source:
   * in [-period / 2, period / 2).
   */
  alignment(sourceEnd: number, targetStart: number): number;
  /**
   * How clearly the pulse can be heard on both sides of a join, 0..1 (the weaker side): where it is
   * ambiguous (on-beat and off-beat equally strong), a listener may lose the beat at the join.
   */
  clarity(sourceEnd: number, targetStart: number): number;
}

export function createPulseProfile(analysis: BeatAnalysis): PulseProfile {
  const { envelope, hopSamples, offsetSamples } = analysis.onset;
  const period = analysis.beatSamples;
  const periodFrames = period / hopSamples;
  const span = Math.round((PULSE_WINDOW_SECONDS * analysis.sampleRate) / hopSamples);
  const toFrame = (position: number) => (position - offsetSamples) / hopSamples;
  /**
   * Offset in [0, period) samples from `position` to the first comb tooth at or after it, and how clearly
   * that phase wins over the opposite one (0: a tie, 1: nothing on the off-beat).
   */
  const computePulse = (position: number, side: "before" | "after"): { offset: number; clarity: number } => {
    const centre = toFrame(position);
    const from = side === "before" ? centre - span : centre;
    const to = side === "before" ? centre : centre + span;
    const steps = 2 * Math.max(2, Math.ceil(periodFrames));
    const sums = new Float64Array(steps);
    for (let s = 0; s < steps; s++) {
      const phase = (s / steps) * periodFrames;
      for (let k = Math.ceil((from - phase) / periodFrames); phase + k * periodFrames < to; k++) {
        sums[s]! += envelope[Math.round(phase + k * periodFrames)] ?? 0;
      }
    }
    let best = 0;
    for (let s = 1; s < steps; s++) if (sums[s]! > sums[best]!) best = s;
    const opposite = sums[(best + steps / 2) % steps]!;
    const clarity = sums[best]! > 0 ? (sums[best]! - opposite) / sums[best]! : 0;
    const tooth = (best / steps) * periodFrames * hopSamples + offsetSamples;
    return { offset: (((tooth - position) % period) + period) % period, clarity };
  };
  // The planner reads the pulse at the same few thousand places again and again (every join it weighs).
  const read = { before: new Map<number, { offset: number; clarity: number }>(), after: new Map() };
  const readPulse = (position: number, side: "before" | "after") => {
    let pulse = read[side].get(position);
    if (!pulse) {
      pulse = computePulse(position, side);
      read[side].set(position, pulse);
    }
    return pulse;
  };
  /** A difference of offsets as the shortest signed shift, in [-period / 2, period / 2). */
  const wrap = (difference: number) => {
    const wrapped = ((difference % period) + period) % period;
    return wrapped >= period / 2 ? wrapped - period : wrapped;
  };
  return {
    periodSamples: period,
    clarity: (sourceEnd, targetStart) =>
      Math.min(readPulse(sourceEnd, "before").clarity, readPulse(targetStart, "after").clarity),
    alignment(sourceEnd, targetStart) {
      const before = readPulse(sourceEnd, "before");
      const after = readPulse(targetStart, "after");
      // An ambiguous reading flips between on-beat and off-beat: the tracker's beats are the better guess.
      if (Math.min(before.clarity, after.clarity) < MIN_CLARITY_TO_CORRECT) return 0;
      const correction = wrap(after.offset - before.offset);
      if (Math.abs(correction) < MIN_CORRECTION_BEATS * period) return 0;
      // The pulse read where the target now starts must agree: otherwise the reading was not stable.
      const moved = Math.round(correction);
      const residual = wrap(readPulse(targetStart + moved, "after").offset - before.offset);
      return Math.abs(residual) < MIN_CORRECTION_BEATS * period ? moved : 0;
    },
  };
}

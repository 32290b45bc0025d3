import { shortTermLufs } from "../audio/loudness.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import type { FrameFeatures } from "../analysis/features.ts";

/** Seam metrics of measureExtension: flux at the seams, loudness change across them, beat phase shift. */

/** The onset envelope of a frame grid: what the seam flux and beat phase metrics read. */
export interface FrameGrid {
  readonly sampleRate: number;
  readonly hop: number;
  readonly frameCount: number;
  readonly flux: Float32Array;
}

/** Largest flux within ±1 frame. */
function fluxAround(flux: Float32Array, frame: number): number {
  let peak = 0;
  for (let f = frame - 1; f <= frame + 1; f++) peak = Math.max(peak, flux[f] ?? 0);
  return peak;
}

export function seamFluxZScores(
  originalFrames: FrameFeatures,
  originalBeats: BeatAnalysis,
  factor: number,
  window: FrameGrid,
  seamFrames: readonly number[],
): number[] {
  const reference = originalBeats.beats
    .filter((b) => b >= originalBeats.soundStart && b < originalBeats.soundEnd)
    .map((b) =>
      fluxAround(originalFrames.flux, Math.round((b / factor - originalFrames.frameSize / 2) / originalFrames.hop)),
    );
  if (reference.length < 2) return [];
  const mean = reference.reduce((s, v) => s + v, 0) / reference.length;
  const sd = Math.sqrt(reference.reduce((s, v) => s + (v - mean) ** 2, 0) / reference.length) || 1e-9;
  return seamFrames.map((f) => (fluxAround(window.flux, f) - mean) / sd);
}

/** Short-term loudness of the 3 s after minus the 3 s before, LU. */
export function loudnessChangeAt(audio: PcmAudio, at: number): number {
  const span = Math.round(3 * audio.sampleRate);
  const length = frameCount(audio);
  if (at - span < 0 || at + span > length) return NaN;
  const slice = (from: number) => ({
    sampleRate: audio.sampleRate,
    channels: audio.channels.map((c) => c.subarray(from, from + span)),
  });
  const before = shortTermLufs(slice(at - span), 3)[0] ?? -Infinity;
  const after = shortTermLufs(slice(at), 3)[0] ?? -Infinity;
  // Silence on one side is a huge change, not an unmeasurable one: floor at -70 LUFS (the R128 absolute gate).
  return Math.max(-70, after) - Math.max(-70, before);
}

/** Onset-envelope frames on either side of a seam that the beat-phase reading ignores. */
const SEAM_GUARD_FRAMES = 2;

/**
 * Beat phase (comb filter over the onset envelope with the original's period) in the 4 s before and after the
 * seam, both measured on the same absolute frame grid: the circular difference as a fraction of a beat.
 * `envelope` is detrendedEnvelope(frames.flux).
 */
export function beatPhaseShift(
  frames: FrameGrid,
  envelope: Float32Array,
  seamFrame: number,
  periodFrames: number,
): number | null {
  const framesPerSecond = frames.sampleRate / frames.hop;
  const span = Math.round(4 * framesPerSecond);
  if (seamFrame - span < 0 || seamFrame + span > frames.frameCount || !(periodFrames > 1)) return null;
  const phase = (from: number, to: number): number => {
    let best = 0;
    let bestSum = -1;
    const steps = Math.ceil(periodFrames);
    for (let s = 0; s < steps; s++) {
      const offset = (s / steps) * periodFrames;
      let sum = 0;
      const firstK = Math.ceil((from - offset) / periodFrames);
      for (let k = firstK; offset + k * periodFrames < to; k++)
        sum += envelope[Math.round(offset + k * periodFrames)] ?? 0;
      if (sum > bestSum) {
        bestSum = sum;
        best = offset;
      }
    }
    return best / periodFrames;
  };
  // The frames at the seam are left out: a join's own transient sits there and would set both phases,
  // making any hard cut read as "in phase".
  const difference = Math.abs(
    phase(seamFrame + SEAM_GUARD_FRAMES, seamFrame + span) - phase(seamFrame - span, seamFrame - SEAM_GUARD_FRAMES),
  );
  return Math.min(difference, 1 - difference);
}

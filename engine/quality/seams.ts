import { type ClosingFade, withoutFade } from "../audio/fade.ts";
import { SHORT_TERM_SECONDS, shortTermLufsAt } from "../audio/loudness.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import { SILENCE_LUFS } from "../analysis/continuity.ts";
import { fluxInRanges, FRAME_SIZE, HOP, type FrameFeatures } from "../analysis/features.ts";
import { ANALYSIS_RATE } from "../analysis/signal.ts";
import { detrendedEnvelope } from "../analysis/tempo-fallback.ts";
import type { SeamReading } from "./report.ts";
import { seamReadings, type SeamPlace } from "./seam-list.ts";
import { analysisSignalIn } from "./sparse-signal.ts";
import { sampleSource, windowOf, type MeasuredAudio } from "./sample-source.ts";
import { finish, type Steps } from "./steps.ts";

/** Seam metrics of measureExtension: flux at the seams, loudness change across them, beat phase shift. */

/** The onset envelope of a frame grid: what the seam flux and beat phase metrics read. */
export interface FrameGrid {
  readonly sampleRate: number;
  readonly hop: number;
  readonly frameCount: number;
  readonly flux: Float32Array;
}

/** What the seam metrics read from the original. */
export interface SeamReference {
  readonly frames: FrameFeatures;
  readonly beats: BeatAnalysis;
  /** Original samples per analysis sample. */
  readonly factor: number;
  /** Median beat length in analysis frames. */
  readonly beatFrames: number;
}

export interface SeamMetrics {
  readonly seamList: readonly SeamReading[];
  readonly clicksAtSeams: number;
  readonly seamFluxZ: number | null;
  readonly seamLoudnessChangeLu: number | null;
  readonly beatPhaseErrorAtSeams: number | null;
}

/** A closing fade-out's span in the result (samples) and its curve (ExtendResult.closingFade). */
export interface ResultFade {
  readonly start: number;
  readonly end: number;
  readonly curve: ClosingFade["curve"];
}

/** Context kept before the extension so that seams at its start have a "before". */
// The beat-phase reading needs 4 s before a seam; the extra second keeps the first seam (at the original's end)
// inside the window despite frame rounding and the seam guard.
const LEAD_SECONDS = 5;

/** Samples read on either side of a seam: the flux margin (about 4.6 s) and the loudness sides (3 s), with room. */
const SEAM_READ_SECONDS = 6;

/**
 * The seam metrics, from the result's own samples around each seam: the onset envelope on the frame grid of the
 * measured part with LEAD_SECONDS before it (`boundary`: where the measured part starts, samples), read from a window
 * around each seam that starts on that grid (so each seam's figures are those a whole-result reading gives, while only
 * one window of a long result is held). `timed` names and times each stage (see measure.ts).
 */
export function measureSeams(
  result: MeasuredAudio,
  original: PcmAudio,
  seams: readonly SeamPlace[],
  boundary: number,
  reference: SeamReference,
  timed: <T>(name: string, stage: () => T) => T,
): SeamMetrics {
  return finish(seamSteps(result, original, seams, boundary, reference, timed));
}

/** measureSeams in steps (steps.ts): one per seam. */
export function* seamSteps(
  result: MeasuredAudio,
  original: PcmAudio,
  seams: readonly SeamPlace[],
  boundary: number,
  reference: SeamReference,
  timed: <T>(name: string, stage: () => T) => T,
  fade?: ResultFade,
): Steps<SeamMetrics> {
  const source = sampleSource(result);
  const sampleRate = source.sampleRate;
  const gridStart = boundary - Math.min(boundary, Math.round(LEAD_SECONDS * sampleRate));
  const factor = Math.max(1, Math.floor(sampleRate / ANALYSIS_RATE));
  const reach = Math.round(SEAM_READ_SECONDS * sampleRate);
  const readings: ReturnType<typeof seamReading>[] = [];
  for (const seam of seams) {
    const hops = Math.max(0, Math.floor((seam.at - reach - gridStart) / (HOP * factor)));
    const from = gridStart + hops * HOP * factor;
    const window = windowOf(source, from, seam.at + reach);
    // A join whose 3 s after reach into the closing fade-out is read without it: the join's change, not the fade's.
    const inFade = fade !== undefined && seam.at + Math.round(SHORT_TERM_SECONDS * sampleRate) > fade.start;
    const level = inFade ? withoutFade(window, from, fade) : window;
    readings.push(seamReading(window, { from, origin: hops, level }, seam, original, reference, timed));
    yield;
  }
  const fluxZ = readings.flatMap((r) => (r.fluxZ === undefined ? [] : [r.fluxZ]));
  const loudnessChangeLu = readings.map((r) => r.loudnessChangeLu);
  const beatPhaseShifts = readings.map((r) => r.beatPhaseShift);
  const seamList = readings.map((r) => r.reading);
  return {
    seamList,
    clicksAtSeams: seamList.filter((s) => s.click).length,
    seamFluxZ: median(fluxZ),
    seamLoudnessChangeLu: median(loudnessChangeLu.filter(Number.isFinite).map(Math.abs)),
    beatPhaseErrorAtSeams: median(beatPhaseShifts.filter((e) => e !== null)),
  };
}

/**
 * One seam's figures, from `window` (result samples from `from` on, reaching its end or 6 s past the seam; `origin`:
 * the frame of the measured part's grid it starts at). The loudness change is read on `level`: the window, or near the
 * closing fade-out the window with the fade's gain divided out.
 */
function seamReading(
  window: PcmAudio,
  { from, origin, level }: { readonly from: number; readonly origin: number; readonly level: PcmAudio },
  seam: SeamPlace,
  original: PcmAudio,
  reference: SeamReference,
  timed: <T>(name: string, stage: () => T) => T,
) {
  const at = seam.at - from;
  const grid = timed("window: flux around seams", () => fluxAroundSeams(window, [at], 0));
  const framesPerSecond = grid.sampleRate / grid.hop;
  const fluxZ = seamFluxZScores(reference.frames, reference.beats, reference.factor, grid, grid.seamFrames)[0];
  const loudnessChangeLu = timed("seam loudness", () => loudnessChangeAt(level, at));
  const phaseShift = timed("beat phase", () => {
    const envelope = detrendedEnvelope(grid.flux, framesPerSecond);
    return beatPhaseShift(grid, envelope, grid.seamFrames[0]! + origin, reference.beatFrames, origin);
  });
  const [reading] = timed("clicks", () =>
    seamReadings(window, original, [{ ...seam, at }], {
      fluxZ: [fluxZ ?? null],
      loudnessChangeLu: [loudnessChangeLu],
      beatPhaseShift: [phaseShift],
    }),
  );
  return {
    fluxZ,
    loudnessChangeLu,
    beatPhaseShift: phaseShift,
    reading: { ...reading!, atSeconds: seam.at / window.sampleRate },
  };
}

/** The window's frame grid with its flux computed within reach of each seam (0 elsewhere), and each seam's frame. */
function fluxAroundSeams(
  window: PcmAudio,
  seamSamples: readonly number[],
  windowStart: number,
): FrameGrid & { seamFrames: number[] } {
  const factor = Math.max(1, Math.floor(window.sampleRate / ANALYSIS_RATE));
  const framesPerSecond = window.sampleRate / factor / HOP;
  const seamFrames = seamSamples.map((p) => Math.round(((p - windowStart) / factor - FRAME_SIZE / 2) / HOP));
  // 4 s either side for the beat phase, half the detrending window, and a frame's slack.
  const margin = Math.round(4 * framesPerSecond) + Math.floor(Math.max(3, Math.round(framesPerSecond)) / 2) + 2;
  const frameRanges = seamFrames.map((f) => [f - margin, f + margin] as const);
  // Flux at frame f reads frames f - 1 and f.
  const signal = analysisSignalIn(
    window,
    frameRanges.map(([first, last]) => [(first - 1) * HOP, last * HOP + FRAME_SIZE] as const),
  );
  const flux = fluxInRanges(signal.samples, frameRanges);
  return { sampleRate: signal.sampleRate, hop: HOP, frameCount: flux.length, flux, seamFrames };
}

/** The median; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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

/**
 * Short-term loudness of the 3 s after minus the 3 s before, LU: each side as shortTermLufs reads a 3 s slice (the
 * K-weighting starting at rest on it).
 */
export function loudnessChangeAt(audio: PcmAudio, at: number): number {
  const span = Math.round(SHORT_TERM_SECONDS * audio.sampleRate);
  if (at - span < 0 || at + span > frameCount(audio)) return NaN;
  // Silence on one side is a huge change, not an unmeasurable one: floor at -70 LUFS (the R128 absolute gate).
  return Math.max(SILENCE_LUFS, shortTermLufsAt(audio, at)) - Math.max(SILENCE_LUFS, shortTermLufsAt(audio, at - span));
}

/** Onset-envelope frames on either side of a seam that the beat-phase reading ignores. */
const SEAM_GUARD_FRAMES = 2;

/**
 * Beat phase (comb filter over the onset envelope with the original's period) in the 4 s before and after the
 * seam, both measured on the same absolute frame grid: the circular difference as a fraction of a beat.
 * `envelope` is detrendedEnvelope(frames.flux). `origin`: the grid frame at which `frames` and `envelope` start (a
 * window of a longer grid; `seamFrame` counts on that longer grid, so the comb's teeth fall where they fall on it).
 */
export function beatPhaseShift(
  frames: FrameGrid,
  envelope: Float32Array,
  seamFrame: number,
  periodFrames: number,
  origin = 0,
): number | null {
  const framesPerSecond = frames.sampleRate / frames.hop;
  const span = Math.round(4 * framesPerSecond);
  if (seamFrame - span < 0 || seamFrame + span > frames.frameCount + origin || !(periodFrames > 1)) return null;
  const phase = (from: number, to: number): number => {
    let best = 0;
    let bestSum = -1;
    const steps = Math.ceil(periodFrames);
    for (let s = 0; s < steps; s++) {
      const offset = (s / steps) * periodFrames;
      let sum = 0;
      const firstK = Math.ceil((from - offset) / periodFrames);
      for (let k = firstK; offset + k * periodFrames < to; k++)
        sum += envelope[Math.round(offset + k * periodFrames) - origin] ?? 0;
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

/**
 * One feature frame per second of audio: the "frames" the conductor (the encoder–decoder over features) reads and
 * predicts, and the space a planner compares a prediction with candidate continuations in.
 *
 * Frame k summarises seconds [k, k+1). The spectral features come from frameFeatures (2048-sample Hann frames, hop
 * 512) on the analysis signal (analysisSignal: mono, ~22.05 kHz) box-decimated once more to about 7-8 kHz
 * (spectralSignal): 279 ms frames every 70 ms at 7350 Hz, a third of the FFTs of the 22 kHz grid, so a 5-minute song
 * takes about 0.6 s; a frame belongs to the second its centre falls in. Loudness and brightness are measured on the
 * ~22 kHz analysis signal itself, so the band above ~3.7 kHz still counts. FEATURE_SIZE = 28 values:
 *
 * | index  | feature        | definition |
 * |--------|----------------|------------|
 * | 0-11   | chroma         | sum of the second's frame chroma (C, C#, ... B), L2-normalised (1/sqrt(12) each for silence) |
 * | 12-24  | MFCC 0-12      | mean of the second's frame MFCCs (26 mel bands up to the spectral signal's Nyquist, orthonormal DCT) |
 * | 25     | loudness, dB   | RMS level of the second's analysis samples, dBFS, floored at LOUDNESS_FLOOR_DB |
 * | 26     | brightness, dB | level of the first difference x[n] - x[n-1] (a +6 dB/octave tilt) minus the level: about -20 for dark, -5 for bright music; 0 for silence |
 * | 27     | onset density  | mean half-wave rectified log-spectral flux of the second's frames |
 *
 * Chroma says which notes sound, MFCC the timbre and spectral envelope, loudness, brightness and onset density how
 * loud, how bright and how busy the second is. frameDistance compares frames with every dimension divided by a
 * typical scale.
 */
import type { PcmAudio } from "../audio/pcm.ts";
import { CHROMA_BINS, frameFeatures, MFCC_COEFFICIENTS, type FrameFeatures } from "./features.ts";
import { analysisSignal, decimate, type AnalysisSignal } from "./signal.ts";

/** Values per second frame: 12 chroma + 13 MFCC + loudness + brightness + onset density. */
export const FEATURE_SIZE = CHROMA_BINS + MFCC_COEFFICIENTS + 3;

/** Where each feature sits in a frame ([start, end) for the vector ones). */
export const FEATURE_LAYOUT = {
  chroma: [0, CHROMA_BINS],
  mfcc: [CHROMA_BINS, CHROMA_BINS + MFCC_COEFFICIENTS],
  loudnessDb: CHROMA_BINS + MFCC_COEFFICIENTS,
  brightnessDb: CHROMA_BINS + MFCC_COEFFICIENTS + 1,
  onsetDensity: CHROMA_BINS + MFCC_COEFFICIENTS + 2,
} as const;

/** Version tag of the feature definition: caches and models record it, so a change here invalidates both. */
export const SECOND_FRAMES_VERSION = "second-frames-v1";

/** Quietest level a frame reports, dBFS: digital silence reads as this, not -120, so it doesn't dominate scaling. */
export const LOUDNESS_FLOOR_DB = -80;

/** The spectral features are computed at the analysis rate decimated by the largest factor keeping at least this. */
export const SPECTRAL_MIN_RATE = 7000;

/**
 * Typical spread (standard deviation) of each dimension over the 4,313 per-second frames of the corpus's training split
 * (19 Wesnoth tracks), the 12 chroma bins pooled, rounded to two digits: the default scale of frameDistance. A trained
 * conductor stores its own per-dimension mean and deviation (harmonizer.json), computed the same way.
 */
export const FEATURE_SCALE: readonly number[] = [
  ...Array.from({ length: CHROMA_BINS }, () => 0.16), // chroma
  13,
  4.3,
  3,
  2.1,
  1.7,
  1.5,
  1.4,
  1.3,
  1.3,
  1.2,
  1.2,
  1.2,
  1.2, // MFCC 0-12
  8.5, // loudness dB
  4.5, // brightness dB
  0.052, // onset density
];

/**
 * Feature frames of `audio`, one per whole second: floor(duration) frames of FEATURE_SIZE values each
 * ([seconds][FEATURE_SIZE], see the table above). A trailing partial second gives no frame. With `stepSeconds`
 * below 1, frame k describes the second starting at k * stepSeconds (overlapping frames from one analysis).
 */
export function secondFrames(audio: PcmAudio, stepSeconds = 1): Float32Array[] {
  const signal = analysisSignal(audio);
  const rate = signal.sampleRate;
  const duration = signal.samples.length / rate;
  if (duration + 1e-9 < 1) return [];
  const count = Math.floor((duration - 1) / stepSeconds + 1e-9) + 1;
  const spectral = spectralSignal(signal);
  const features = frameFeatures(spectral.samples, spectral.sampleRate);
  const ranges = framesPerSecond(features, spectral.sampleRate, count, stepSeconds);
  return ranges.map(([first, last], k) => {
    const out = new Float32Array(FEATURE_SIZE);
    meanChroma(features, first, last, out);
    meanMfcc(features, first, last, out);
    let flux = 0;
    for (let f = first; f < last; f++) flux += features.flux[f]!;
    const { levelDb, brightnessDb } = levels(
      signal.samples,
      Math.round(k * stepSeconds * rate),
      Math.round((k * stepSeconds + 1) * rate),
    );
    out[FEATURE_LAYOUT.loudnessDb] = levelDb;
    out[FEATURE_LAYOUT.brightnessDb] = brightnessDb;
    out[FEATURE_LAYOUT.onsetDensity] = flux / (last - first);
    return out;
  });
}

/** The analysis signal box-decimated to SPECTRAL_MIN_RATE or a little above (22050 Hz -> 7350 Hz). */
function spectralSignal(signal: AnalysisSignal): { samples: Float32Array; sampleRate: number } {
  const factor = Math.max(1, Math.floor(signal.sampleRate / SPECTRAL_MIN_RATE));
  return { samples: decimate(signal.samples, factor), sampleRate: signal.sampleRate / factor };
}

/**
 * Level of samples [start, end) and of their first difference, dB (both floored at LOUDNESS_FLOOR_DB); brightness
 * is their difference (0 for silence).
 */
function levels(samples: Float32Array, start: number, end: number): { levelDb: number; brightnessDb: number } {
  let power = 0;
  let diffPower = 0;
  const to = Math.min(samples.length, end);
  for (let i = start; i < to; i++) {
    const x = samples[i]!;
    const d = x - (i > 0 ? samples[i - 1]! : 0);
    power += x * x;
    diffPower += d * d;
  }
  const n = Math.max(1, to - start);
  const db = (p: number) => (p > 0 ? Math.max(LOUDNESS_FLOOR_DB, 10 * Math.log10(p / n)) : LOUDNESS_FLOOR_DB);
  const levelDb = db(power);
  return { levelDb, brightnessDb: db(diffPower) - levelDb };
}

/**
 * [first, last) frameFeatures frames of each second: the frames whose centre falls in [k * step, k * step + 1) s. A
 * second no centre falls in (only possible at very low rates) takes the frame nearest its middle.
 */
function framesPerSecond(features: FrameFeatures, rate: number, count: number, step: number): [number, number][] {
  const ranges: [number, number][] = [];
  const centre = (f: number) => f * features.hop + features.frameSize / 2;
  for (let k = 0; k < count; k++) {
    const start = k * step * rate;
    const end = start + rate;
    let f = Math.max(0, Math.floor((start - features.frameSize / 2) / features.hop));
    while (f < features.frameCount && centre(f) < start) f++;
    const first = f;
    while (f < features.frameCount && centre(f) < end) f++;
    if (f > first) {
      ranges.push([first, f]);
    } else {
      const nearest = Math.min(
        features.frameCount - 1,
        Math.max(0, Math.round((start + 0.5 * rate - features.frameSize / 2) / features.hop)),
      );
      ranges.push([nearest, nearest + 1]);
    }
  }
  return ranges;
}

/** Sum of frames [first, last) chroma, L2-normalised, into out[0..12). */
function meanChroma(features: FrameFeatures, first: number, last: number, out: Float32Array): void {
  const sums = new Float64Array(CHROMA_BINS);
  for (let f = first; f < last; f++) {
    for (let b = 0; b < CHROMA_BINS; b++) sums[b]! += features.chroma[f * CHROMA_BINS + b]!;
  }
  let norm = 0;
  for (const v of sums) norm += v * v;
  norm = Math.sqrt(norm);
  for (let b = 0; b < CHROMA_BINS; b++) out[b] = norm > 1e-9 ? sums[b]! / norm : 1 / Math.sqrt(CHROMA_BINS);
}

/** Mean of frames [first, last) MFCCs into out[12..25). */
function meanMfcc(features: FrameFeatures, first: number, last: number, out: Float32Array): void {
  const [start] = FEATURE_LAYOUT.mfcc;
  for (let f = first; f < last; f++) {
    for (let c = 0; c < MFCC_COEFFICIENTS; c++) out[start + c]! += features.mfcc[f * MFCC_COEFFICIENTS + c]!;
  }
  for (let c = 0; c < MFCC_COEFFICIENTS; c++) out[start + c]! /= last - first;
}

/**
 * Distance between two second frames ([FEATURE_SIZE] each, raw secondFrames values): the root mean square of the
 * per-dimension differences divided by `scale` (default FEATURE_SCALE; pass a conductor's own standard deviations
 * to measure in its training space). Its square is the conductor's per-frame MSE in standardised features, so a
 * planner ranks candidates by the quantity the model was trained to minimise. 0 for identical frames, about 1.4
 * for two unrelated typical frames.
 */
export function frameDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  scale: ArrayLike<number> = FEATURE_SCALE,
): number {
  if (a.length !== b.length || a.length !== scale.length) {
    throw new RangeError(`frameDistance needs frames of ${scale.length} values; got ${a.length} and ${b.length}`);
  }
  let sum = 0;
  for (let d = 0; d < a.length; d++) {
    const diff = (a[d]! - b[d]!) / scale[d]!;
    sum += diff * diff;
  }
  return Math.sqrt(sum / a.length);
}

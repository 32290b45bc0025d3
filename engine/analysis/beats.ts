import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { CHROMA_BINS, MFCC_COEFFICIENTS, frameFeatures, meanOverFrames, type FrameFeatures } from "./features.ts";
import { trackMusicTempo } from "./music-tempo-track.ts";
import { analysisSignal, type AnalysisSignal } from "./signal.ts";
import { detrendedEnvelope, estimateTempo, trackBeatsByDynamicProgramming } from "./tempo-fallback.ts";
import { stage } from "../stages.ts";

/** Below this onset-envelope autocorrelation the song is treated as beatless (ambient, rubato orchestral). */
export const BEAT_CLARITY_THRESHOLD = 0.12;
/**
 * Below this mean of the strongest 5 % of the detrended onset envelope there are no onsets to speak of
 * (a drone measures about 0.005, quiet orchestral tracks 0.02–0.1, drums 0.5 and more).
 */
export const ONSET_STRENGTH_THRESHOLD = 0.012;
/** Spacing of the pseudo-beats laid over beatless songs. */
export const PSEUDO_BEAT_SECONDS = 0.5;

export type BeatMethod = "music-tempo" | "dynamic-programming" | "grid";

/** Per-beat features, one entry per beat (beat i spans beats[i] .. beats[i + 1]). */
export interface BeatFeatures {
  /** [12] per beat, L2-normalised. */
  readonly chroma: Float32Array[];
  /** [13] per beat. */
  readonly mfcc: Float32Array[];
  /** Mean power of the beat, dBFS. */
  readonly levelDb: Float32Array;
}

export interface BeatAnalysis {
  /** The original's sample rate: every position below is in the original's samples. */
  readonly sampleRate: number;
  readonly length: number;
  /** Beat start positions, ascending, covering the whole song. */
  readonly beats: number[];
  readonly tempoBpm: number;
  /** Median inter-beat interval, samples. */
  readonly beatSamples: number;
  readonly method: BeatMethod;
  /** Onset-envelope periodicity, 0..1. */
  readonly clarity: number;
  /** Mean of the strongest 5 % of the detrended onset envelope: how sharp the attacks are (see ONSET_STRENGTH_THRESHOLD). */
  readonly onsetStrength: number;
  readonly features: BeatFeatures;
  /** Where sound starts and where trailing silence begins, samples. */
  readonly soundStart: number;
  readonly soundEnd: number;
  /** Median beat level, dBFS. */
  readonly medianLevelDb: number;
  /** The detrended onset envelope the beats were found on, one value per analysis frame. */
  readonly onset: OnsetEnvelope;
}

/** Onset envelope with the mapping of its frames to the original's samples. */
export interface OnsetEnvelope {
  /** [frameCount] half-wave rectified, detrended spectral flux. */
  readonly envelope: Float32Array;
  /** Frame f is centred on sample f * hopSamples + offsetSamples of the original. */
  readonly hopSamples: number;
  readonly offsetSamples: number;
}

/**
 * Finds the beats of a song and describes each beat by chroma, MFCC and level. Runs on a mono copy at
 * about 22 kHz; positions are returned in the original's samples. Songs without a clear beat get a
 * fixed grid of pseudo-beats whose phase follows the strongest onsets.
 */
export function analyseBeats(audio: PcmAudio): BeatAnalysis {
  return analyseSignal(audio).beats;
}

/** The analysis copy, its frame features and its beats: computed once, shared by the engine and the measurement. */
export interface SignalAnalysis {
  readonly signal: AnalysisSignal;
  readonly frames: FrameFeatures;
  readonly beats: BeatAnalysis;
}

export function analyseSignal(audio: PcmAudio): SignalAnalysis {
  const signal = analysisSignal(audio);
  const frames = frameFeatures(signal.samples, signal.sampleRate);
  return {
    signal,
    frames,
    beats: analyseBeatsFromFrames(audio.sampleRate, frameCount(audio), signal.samples, frames, signal.factor),
  };
}

export function analyseBeatsFromFrames(
  sampleRate: number,
  length: number,
  analysisSamples: Float32Array,
  frames: FrameFeatures,
  factor: number,
): BeatAnalysis {
  const framesPerSecond = frames.sampleRate / frames.hop;
  const toOriginal = (frame: number) => Math.round((frame * frames.hop + frames.frameSize / 2) * factor);
  const { soundStart, soundEnd } = soundRange(frames, toOriginal, length);
  const envelope = detrendedEnvelope(frames.flux, framesPerSecond);
  const firstFrame = Math.max(0, Math.floor((soundStart / factor - frames.frameSize / 2) / frames.hop));
  const lastFrame = Math.min(frames.frameCount, Math.ceil(soundEnd / factor / frames.hop));
  const tempo = estimateTempo(envelope.subarray(firstFrame, lastFrame), framesPerSecond);
  stage("beats: tempo estimated");

  let method: BeatMethod = "grid";
  let beatSeconds: number[] = [];
  let period = PSEUDO_BEAT_SECONDS;
  const strength = onsetStrength(envelope.subarray(firstFrame, lastFrame));
  if (tempo.clarity >= BEAT_CLARITY_THRESHOLD && strength >= ONSET_STRENGTH_THRESHOLD) {
    const tracked = trackWithLibrary(
      analysisSamples,
      frames.sampleRate,
      soundStart / sampleRate,
      soundEnd / sampleRate,
    );
    if (tracked) {
      method = "music-tempo";
      beatSeconds = tracked.beats;
      period = tracked.period;
    } else {
      method = "dynamic-programming";
      const local = trackBeatsByDynamicProgramming(envelope.subarray(firstFrame, lastFrame), tempo.periodFrames);
      beatSeconds = local.map((f) => toOriginal(f + firstFrame) / sampleRate);
      period = tempo.periodFrames / framesPerSecond;
    }
  } else {
    beatSeconds = [gridPhase(envelope, framesPerSecond, soundStart / sampleRate, (f) => toOriginal(f) / sampleRate)];
  }
  stage("beats: tracked");
  const beats = completeGrid(beatSeconds, period, length / sampleRate).map((s) => Math.round(s * sampleRate));
  const features = beatFeatures(frames, beats, factor, length);
  const sortedLevels = Array.from(features.levelDb).sort((a, b) => a - b);
  return {
    sampleRate,
    length,
    beats,
    tempoBpm: 60 / period,
    beatSamples: medianInterval(beats) || Math.round(period * sampleRate),
    method,
    clarity: tempo.clarity,
    onsetStrength: strength,
    features,
    soundStart,
    soundEnd,
    medianLevelDb: sortedLevels[Math.floor(sortedLevels.length / 2)] ?? -120,
    onset: { envelope, hopSamples: frames.hop * factor, offsetSamples: (frames.frameSize / 2) * factor },
  };
}

interface TrackedBeats {
  readonly beats: number[];
  readonly period: number;
}

/** music-tempo (Beatroot) on the sounding part; undefined when it fails or its beats are irregular. */
function trackWithLibrary(
  samples: Float32Array,
  sampleRate: number,
  startSeconds: number,
  endSeconds: number,
): TrackedBeats | undefined {
  const from = Math.floor(startSeconds * sampleRate);
  const to = Math.min(samples.length, Math.ceil(endSeconds * sampleRate));
  const hop = Math.round(sampleRate / 100);
  const result = trackMusicTempo(samples.subarray(from, to), {
    hopSize: hop,
    timeStep: hop / sampleRate,
    // the library's defaults (2048 / 441) are meant for 44.1 kHz
    bufferSize: sampleRate > 32000 ? 2048 : 1024,
  });
  if (!result) return undefined;
  const period = Number(result.beatInterval);
  const beats = result.beats.map((t) => t + from / sampleRate);
  if (!(period > 0.25 && period < 1.1) || beats.length < 8) return undefined;
  const intervals = beats.slice(1).map((b, i) => b - beats[i]!);
  const irregular = intervals.filter((d) => Math.abs(d - period) > 0.15 * period).length;
  if (irregular > 0.2 * intervals.length) return undefined;
  const covered = (beats[beats.length - 1]! - beats[0]!) / Math.max(1e-9, endSeconds - startSeconds);
  if (covered < 0.6) return undefined;
  return { beats, period };
}

/** Phase (seconds) of a grid with PSEUDO_BEAT_SECONDS spacing that lands on the most onset energy. */
function gridPhase(
  envelope: Float32Array,
  framesPerSecond: number,
  startSeconds: number,
  frameToSeconds: (frame: number) => number,
): number {
  const step = PSEUDO_BEAT_SECONDS * framesPerSecond;
  let bestPhase = 0;
  let bestSum = -1;
  for (let phase = 0; phase < step; phase++) {
    let sum = 0;
    for (let f = phase; f < envelope.length; f += step) sum += envelope[Math.round(f)] ?? 0;
    if (sum > bestSum) {
      bestSum = sum;
      bestPhase = phase;
    }
  }
  const phaseSeconds = frameToSeconds(bestPhase);
  return phaseSeconds + Math.ceil((startSeconds - phaseSeconds) / PSEUDO_BEAT_SECONDS) * PSEUDO_BEAT_SECONDS;
}

/**
 * Beats over the whole song: gaps longer than 1.5 periods filled evenly, the grid continued at the detected
 * period before the first and after the last detected beat.
 */
export function completeGrid(detected: number[], period: number, totalSeconds: number): number[] {
  const inside = detected.filter((t) => t >= 0 && t < totalSeconds).sort((a, b) => a - b);
  const first = inside[0] ?? 0;
  const out: number[] = [];
  for (let t = first - period * Math.floor(first / period); t < first - period / 2; t += period) out.push(t);
  for (let i = 0; i < inside.length; i++) {
    const t = inside[i]!;
    if (out.length > 0 && t - out[out.length - 1]! < period / 2) continue;
    const previous = out[out.length - 1];
    if (previous !== undefined && t - previous > 1.5 * period) {
      const steps = Math.round((t - previous) / period);
      for (let k = 1; k < steps; k++) out.push(previous + ((t - previous) * k) / steps);
    }
    out.push(t);
  }
  let last = out[out.length - 1] ?? 0;
  while (last + period < totalSeconds) {
    last += period;
    out.push(last);
  }
  return out;
}

function soundRange(
  frames: FrameFeatures,
  toOriginal: (frame: number) => number,
  length: number,
): { soundStart: number; soundEnd: number } {
  const levels = Array.from(frames.levelDb);
  const sorted = [...levels].sort((a, b) => a - b);
  const loud = sorted[Math.floor(sorted.length * 0.9)] ?? -120;
  const threshold = Math.max(-70, loud - 45);
  const first = levels.findIndex((l) => l > threshold);
  let last = levels.length - 1;
  while (last > 0 && levels[last]! <= threshold) last--;
  if (first < 0) return { soundStart: 0, soundEnd: length };
  const half = Math.round((frames.frameSize / 2) * (length / Math.max(1, frames.frameCount * frames.hop)));
  return {
    soundStart: Math.max(0, toOriginal(first) - half),
    soundEnd: Math.min(length, toOriginal(last) + half),
  };
}

function beatFeatures(frames: FrameFeatures, beats: number[], factor: number, length: number): BeatFeatures {
  const chroma: Float32Array[] = [];
  const mfcc: Float32Array[] = [];
  const levelDb = new Float32Array(beats.length);
  const frameOf = (position: number) => Math.round((position / factor - frames.frameSize / 2) / frames.hop);
  for (let i = 0; i < beats.length; i++) {
    const from = Math.max(0, frameOf(beats[i]!));
    const to = Math.max(from + 1, Math.min(frames.frameCount, frameOf(beats[i + 1] ?? length)));
    const c = meanOverFrames(frames.chroma, CHROMA_BINS, from, to);
    const norm = Math.hypot(...c) || 1;
    for (let k = 0; k < CHROMA_BINS; k++) c[k]! /= norm;
    chroma.push(c);
    mfcc.push(meanOverFrames(frames.mfcc, MFCC_COEFFICIENTS, from, to));
    let power = 0;
    const last = Math.min(frames.frameCount, to);
    for (let f = from; f < last; f++) power += 10 ** (frames.levelDb[f]! / 10);
    levelDb[i] = power > 0 ? 10 * Math.log10(power / Math.max(1, last - from)) : -120;
  }
  return { chroma, mfcc, levelDb };
}

function onsetStrength(envelope: Float32Array): number {
  const sorted = Array.from(envelope).sort((a, b) => a - b);
  const top = sorted.slice(Math.floor(sorted.length * 0.95));
  return top.length > 0 ? top.reduce((sum, v) => sum + v, 0) / top.length : 0;
}

function medianInterval(beats: number[]): number {
  const intervals = beats
    .slice(1)
    .map((b, i) => b - beats[i]!)
    .sort((a, b) => a - b);
  return intervals[Math.floor(intervals.length / 2)] ?? 0;
}

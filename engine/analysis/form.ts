import { BEATS_PER_BAR } from "./bars.ts";
import { createBeatVectoriser, vectorDistance } from "./beat-vectors.ts";
import type { BeatAnalysis } from "./beats.ts";

/** Phrases are about this long: long enough to carry a musical idea, short enough to re-order. */
const PHRASE_TARGET_SECONDS = 8;
/** Bars per phrase are chosen from these (powers of two: phrases of 2, 4 or 8 bars). */
const PHRASE_BARS = [1, 2, 4, 8];
/** Half-width of the checkerboard kernel, bars: how much on each side a boundary must differ. */
const NOVELTY_KERNEL_BARS = 4;
/** The intro ends no earlier than this after the first sound, and no later than MAX_INTRO_* allow. */
const MIN_INTRO_SECONDS = 5;
const MAX_INTRO_SECONDS = 45;
const MAX_INTRO_SHARE = 0.3;
/** The kept ending is at least this long (a last phrase, its final chord or fade) and at most MAX_ENDING_*. */
const MIN_ENDING_SECONDS = 8;
const MAX_ENDING_SECONDS = 35;
const MAX_ENDING_SHARE = 0.3;
/** An ending this far (dB) below the song's median beat is a fade-out or a final decay. */
const QUIET_ENDING_DB = 10;
/** Trailing silence at least this long means the song stops on its own. */
const TRAILING_SILENCE_SECONDS = 0.3;

/**
 * The shape of the result. "song": the input's intro once, a re-sequenced body, the input's own ending at the
 * very end. "continue": the whole input, then a continuation after it (for clips, loops and excerpts with no
 * ending of their own).
 */
export type FormName = "song" | "continue";
/** What the user asks for: a form, or "auto" (song when the input has an ending of its own). */
export type FormSetting = FormName | "auto";
export const FORM_SETTINGS: readonly FormSetting[] = ["auto", "song", "continue"];
export const DEFAULT_FORM: FormSetting = "auto";

/**
 * The structure of a song on its beat grid: bars, phrases (runs of bars that start at the likeliest phrase
 * boundaries), where the intro ends and where the ending starts, and whether the song has an ending of its own.
 * All positions are beat indices into `BeatAnalysis.beats`.
 */
export interface SongForm {
  /** Beat index of every bar line, ascending. */
  readonly bars: number[];
  readonly barsPerPhrase: number;
  /** Beat index of every phrase start, ascending (a subset of `bars`). */
  readonly phraseStarts: number[];
  /** Foote novelty at each bar line (same length as `bars`), z-scored: high where the music changes. */
  readonly novelty: Float64Array;
  /** First beat after the intro (a phrase start). */
  readonly introEndBeat: number;
  /** Earliest beat the kept ending may start at (a phrase start); the ending runs to the end of the input. */
  readonly endingStartBeat: number;
  /** Whether the song ends on its own (fade-out, final decay, trailing silence) rather than being cut off. */
  readonly hasEnding: boolean;
  /** Why hasEnding is what it is, for the report ("ends with 1.2 s of silence", "its last second is 23 dB quieter …"). */
  readonly endingReason: string;
}

export interface FormOptions {
  /** Downbeat phase: beats b with b % 4 === phase start a bar (undefined: bars start at the first beat). */
  readonly downbeatPhase?: number;
}

/** Analyses the form of a song from its beats and beat features (chroma, MFCC, level). */
export function analyseForm(analysis: BeatAnalysis, options: FormOptions = {}): SongForm {
  const bars = barLines(analysis, options.downbeatPhase);
  const barSeconds = (analysis.beatSamples * BEATS_PER_BAR) / analysis.sampleRate;
  const novelty = barNovelty(analysis, bars);
  const barsPerPhrase = PHRASE_BARS.reduce((best, n) =>
    Math.abs(n * barSeconds - PHRASE_TARGET_SECONDS) < Math.abs(best * barSeconds - PHRASE_TARGET_SECONDS) ? n : best,
  );
  const phraseStarts = phraseGrid(bars, novelty, barsPerPhrase);
  const ending = detectEnding(analysis);
  const introEndBeat = chooseIntroEnd(analysis, bars, novelty, phraseStarts);
  const endingStartBeat = chooseEndingStart(analysis, bars, novelty, phraseStarts, introEndBeat);
  return { bars, barsPerPhrase, phraseStarts, novelty, introEndBeat, endingStartBeat, ...ending };
}

/** Beat indices of the bar lines inside the sounding part of the song. */
function barLines(analysis: BeatAnalysis, phase: number | undefined): number[] {
  const bars: number[] = [];
  const offset = phase ?? 0;
  for (let b = 0; b < analysis.beats.length; b++) {
    if ((((b - offset) % BEATS_PER_BAR) + BEATS_PER_BAR) % BEATS_PER_BAR === 0) bars.push(b);
  }
  return bars;
}

/**
 * Foote's novelty on bar-synchronous features: at each bar line, how much the bars before differ from the bars
 * after, minus how much each side differs within itself (a checkerboard kernel on the bar self-similarity).
 */
function barNovelty(analysis: BeatAnalysis, bars: readonly number[]): Float64Array {
  const { vectors } = createBeatVectoriser(analysis);
  const size = vectors[0]?.length ?? 0;
  const barVectors = bars.map((start, i) => {
    const end = bars[i + 1] ?? Math.min(vectors.length, start + BEATS_PER_BAR);
    const mean = new Float32Array(size);
    for (let b = start; b < end; b++)
      for (let d = 0; d < size; d++) mean[d]! += vectors[b]![d]! / Math.max(1, end - start);
    return mean;
  });
  const raw = new Float64Array(bars.length);
  for (let i = 1; i < bars.length; i++) {
    const k = Math.min(NOVELTY_KERNEL_BARS, i, bars.length - i);
    let across = 0;
    let within = 0;
    for (let a = i - k; a < i; a++) {
      for (let b = i; b < i + k; b++) across += vectorDistance(barVectors[a]!, barVectors[b]!);
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        within +=
          vectorDistance(barVectors[i - 1 - a]!, barVectors[i - 1 - b]!) +
          vectorDistance(barVectors[i + a]!, barVectors[i + b]!);
      }
    }
    raw[i] = (across - within / 2) / (k * k);
  }
  return zScores(raw);
}

function zScores(values: Float64Array): Float64Array {
  const n = Math.max(1, values.length);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const spread = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n) || 1;
  return values.map((v) => (v - mean) / spread);
}

/** Phrase starts every `barsPerPhrase` bars, at the offset whose boundaries carry the most novelty. */
function phraseGrid(bars: readonly number[], novelty: Float64Array, barsPerPhrase: number): number[] {
  let bestOffset = 0;
  let bestScore = -Infinity;
  for (let offset = 0; offset < barsPerPhrase; offset++) {
    let score = 0;
    let count = 0;
    for (let i = offset; i < bars.length; i += barsPerPhrase) {
      score += novelty[i]!;
      count++;
    }
    if (count > 0 && score / count > bestScore) {
      bestScore = score / count;
      bestOffset = offset;
    }
  }
  const starts: number[] = [];
  for (let i = bestOffset; i < bars.length; i += barsPerPhrase) starts.push(bars[i]!);
  return starts;
}

/** A song "ends" when it has trailing silence, or its last sounding second is far below its typical beat. */
export function detectEnding(analysis: BeatAnalysis): { hasEnding: boolean; endingReason: string } {
  const { beats, features, sampleRate, soundEnd, length, medianLevelDb } = analysis;
  const silence = (length - soundEnd) / sampleRate;
  if (silence >= TRAILING_SILENCE_SECONDS)
    return { hasEnding: true, endingReason: `it ends with ${silence.toFixed(1)} s of silence` };
  const lastSecond = beats
    .map((b, i) => ({ b, level: features.levelDb[i]! }))
    .filter(({ b }) => b >= soundEnd - sampleRate && b < soundEnd);
  if (lastSecond.length === 0) return { hasEnding: false, endingReason: "its sound runs to the last sample" };
  const drop = medianLevelDb - Math.max(...lastSecond.map((x) => x.level));
  if (drop >= QUIET_ENDING_DB) {
    return {
      hasEnding: true,
      endingReason: `its last second is ${drop.toFixed(0)} dB below its typical level (a fade or a final decay)`,
    };
  }
  return {
    hasEnding: false,
    endingReason: `its last second is still ${againstTypical(drop)} when it stops: a clip or a loop`,
  };
}

/** A level `drop` dB under the typical one in words: "3 dB below typical", "2 dB above typical", never "-0 dB below". */
export function againstTypical(drop: number): string {
  const db = Math.round(drop);
  if (db === 0) return "at its typical level";
  return db > 0 ? `${db} dB below typical` : `${-db} dB above typical`;
}

const seconds = (analysis: BeatAnalysis, beat: number) =>
  (analysis.beats[beat] ?? analysis.length) / analysis.sampleRate;

/**
 * The intro ends at the phrase start with the most novelty between MIN_INTRO_SECONDS after the first sound and
 * the smaller of MAX_INTRO_SECONDS and 30 % of the song; later boundaries pay a little, so a weak late change
 * does not swallow the first verse.
 */
function chooseIntroEnd(
  analysis: BeatAnalysis,
  bars: readonly number[],
  novelty: Float64Array,
  phraseStarts: readonly number[],
): number {
  const soundStart = analysis.soundStart / analysis.sampleRate;
  const duration = (analysis.soundEnd - analysis.soundStart) / analysis.sampleRate;
  const latest = soundStart + Math.min(MAX_INTRO_SECONDS, MAX_INTRO_SHARE * duration);
  let best: { beat: number; score: number } | undefined;
  for (const beat of phraseStarts) {
    const at = seconds(analysis, beat);
    if (at < soundStart + MIN_INTRO_SECONDS || at > latest) continue;
    const score = novelty[bars.indexOf(beat)]! - 0.02 * (at - soundStart);
    if (!best || score > best.score) best = { beat, score };
  }
  if (best) return best.beat;
  // Too short for a phrase-length intro: the first bar line after the minimum.
  return (
    bars.find((b) => seconds(analysis, b) >= soundStart + Math.min(MIN_INTRO_SECONDS, duration / 4)) ?? bars[1] ?? 1
  );
}

/**
 * The kept ending starts at the phrase start with the most novelty that leaves between MIN_ENDING_SECONDS and
 * the smaller of MAX_ENDING_SECONDS and 30 % of the song to the end, and not after the song's quiet ending begins
 * (a fade-out is kept whole).
 */
function chooseEndingStart(
  analysis: BeatAnalysis,
  bars: readonly number[],
  novelty: Float64Array,
  phraseStarts: readonly number[],
  introEndBeat: number,
): number {
  const end = analysis.length / analysis.sampleRate;
  const duration = (analysis.soundEnd - analysis.soundStart) / analysis.sampleRate;
  const longest = Math.max(MIN_ENDING_SECONDS, Math.min(MAX_ENDING_SECONDS, MAX_ENDING_SHARE * duration));
  const quietFrom = quietEndingStart(analysis);
  let best: { beat: number; score: number } | undefined;
  for (const beat of phraseStarts) {
    const left = end - seconds(analysis, beat);
    if (beat <= introEndBeat || left < MIN_ENDING_SECONDS || left > longest || beat > quietFrom) continue;
    const score = novelty[bars.indexOf(beat)]!;
    if (!best || score > best.score) best = { beat, score };
  }
  if (best) return best.beat;
  // No phrase start fits: the last bar line that leaves the minimum ending (or the fade) to the end.
  const fits = bars.filter(
    (b) => b > introEndBeat && b <= quietFrom && end - seconds(analysis, b) >= MIN_ENDING_SECONDS,
  );
  return fits.at(-1) ?? Math.max(introEndBeat + 1, Math.min(quietFrom, analysis.beats.length - 1));
}

/** First beat of the song's quiet tail (its fade or final decay), or the last beat when it has none. */
function quietEndingStart(analysis: BeatAnalysis): number {
  const { beats, features, soundEnd, medianLevelDb } = analysis;
  let last = beats.length - 1;
  while (last > 0 && beats[last]! >= soundEnd) last--;
  let quiet = last;
  while (quiet > 0 && features.levelDb[quiet]! < medianLevelDb - 6) quiet--;
  return quiet + 1;
}

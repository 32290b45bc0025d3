import type { BeatAnalysis } from "../analysis/beats.ts";
import type { LoudnessProfile, PulseProfile } from "../analysis/continuity.ts";
import type { SongForm } from "../analysis/form.ts";
import type { JumpGraph } from "./jump-graph.ts";
import { cutPositions, type SourceRange } from "./plan.ts";
import { chooseSongExit, type WalkStep } from "./song-exit.ts";

/** After the intro, no stretch longer than this is copied contiguously from the input. */
export const MAX_VERBATIM_SECONDS = 45;
/** A phrase heard less than this long ago is not played again when another will do. */
const RECENT_SECONDS = 30;
const LOUDNESS_FREE_LU = 0.75;
const LOUDNESS_PENALTY_PER_LU = 3;
const PULSE_PENALTY = 1.5;
/** No stretch of the output this long occurs twice in the same order. */
export const MAX_REPEAT_SECONDS = 30;
/** Cost of a choice that would repeat a stretch of the output in the same order. */
const REPEAT_COST = 25;
/** Each further phrase of an unbroken run of the song costs this much more: runs of 2–4 phrases, then a new order. */
const RUN_COST_PER_PHRASE = 0.35;

/** A phrase of the song's body: beats [start, end). */
export interface Phrase {
  readonly start: number;
  readonly end: number;
}

/** One option at a phrase boundary, with what the planner's own rules say of it (lower is better). */
export interface PhraseChoice {
  readonly phrase: number;
  readonly cost: number;
}

/**
 * Chooses among the ranked options at a phrase boundary (the conductor): returns the index into `choices`.
 * `outputRanges` are the ranges planned so far, from the start of the output.
 */
export interface PhraseSteering {
  choose(choices: readonly PhraseChoice[], phrases: readonly Phrase[], outputRanges: readonly SourceRange[]): Promise<number>;
}

export interface SongPlanOptions {
  readonly targetSamples: number;
  readonly crossfadeSamples: number;
  readonly random: () => number;
  readonly loudness?: LoudnessProfile;
  readonly pulse?: PulseProfile;
  readonly steering?: PhraseSteering;
  readonly onProgress?: (outputPosition: number) => void;
}

export interface SongPlan {
  /** The whole output in order, from the input's start (the intro) to its end (the ending). */
  readonly ranges: SourceRange[];
  /** Silence after the ending (positive) or trailing silence cut from it (negative), samples. */
  readonly padSamples: number;
  /** Output position where the intro's untouched run gives way to the body (the first seam), samples. */
  readonly introSamples: number;
  /** Beat where the kept ending starts in the input. */
  readonly endingBeat: number;
  /** Rules the song was too short or too uniform to keep, in words. */
  readonly shortfalls: string[];
}

/**
 * Plans a song-form extension: the input's intro once, a body re-sequenced from the song's own phrases (each
 * join between phrases used at most once, so no stretch repeats in the same order; no contiguous copy longer
 * than MAX_VERBATIM_SECONDS; phrases heard recently avoided), then the input's own ending, fitted to the target.
 */
export async function planSong(analysis: BeatAnalysis, graph: JumpGraph, form: SongForm, options: SongPlanOptions): Promise<SongPlan> {
  const { sampleRate, length } = analysis;
  const cuts = cutPositions(analysis, options.crossfadeSamples);
  const at = (beat: number) => cuts[beat] ?? length;
  const phrases = bodyPhrases(form, graph);
  const endingLength = length - at(form.endingStartBeat);
  const phraseSamples = phrases.reduce((s, p) => s + at(p.end) - at(p.start), 0) / Math.max(1, phrases.length);
  const walkUntil = options.targetSamples - endingLength + 1.5 * phraseSamples;
  const maxRun = MAX_VERBATIM_SECONDS * sampleRate;
  const costScale = typicalCost(graph, phrases);
  const shortfalls = new Set<string>();

  const history = createSlotHistory(gramSize(phrases, at, sampleRate));
  for (const start of form.phraseStarts) if (start < form.introEndBeat) history.push(start);
  const lastHeard = phrases.map(() => -Infinity);
  const timesUsed = phrases.map(() => 0);
  const steps: WalkStep[] = [];
  for (let b = 0; b < form.introEndBeat; b++) steps.push({ beat: b, outputStart: at(b), shift: 0 });
  const introSamples = at(form.introEndBeat);
  let position = introSamples;
  let next = form.introEndBeat;
  let shift = 0;
  let runStart = introSamples;
  let runPhrases = 0;
  let current = -1;

  while (position < walkUntil && phrases.length > 0) {
    const choices = rankChoices(next, position);
    let pick = choices[0]!;
    if (options.steering && choices.length > 1) {
      const ranked = choices.slice(0, 12);
      const index = await options.steering.choose(ranked, phrases, stepsToSongRanges(steps, cuts, length));
      pick = ranked[Math.max(0, Math.min(ranked.length - 1, index))]!;
    }
    const phrase = phrases[pick.phrase]!;
    if (history.repeats(phrase.start)) {
      shortfalls.add(`a stretch of ${MAX_REPEAT_SECONDS} s or more had to be played twice in the same order (the song has too few distinct phrases for this length)`);
    }
    history.push(phrase.start);
    if (phrase.start !== next) {
      runStart = position;
      runPhrases = 0;
      shift = options.pulse ? options.pulse.alignment(at(next) + shift, at(phrase.start)) : 0;
    }
    for (let b = phrase.start; b < phrase.end; b++) {
      steps.push({ beat: b, outputStart: position, shift });
      position += at(b + 1) - at(b);
    }
    runPhrases++;
    lastHeard[pick.phrase] = position;
    timesUsed[pick.phrase]!++;
    if (position - runStart > maxRun) shortfalls.add(`a stretch longer than ${MAX_VERBATIM_SECONDS} s is copied contiguously`);
    current = pick.phrase;
    next = phrase.end;
    options.onProgress?.(Math.min(position, options.targetSamples));
  }

  const exit = chooseSongExit(analysis, graph, cuts, steps, {
    firstStep: form.introEndBeat,
    endingBeat: form.endingStartBeat,
    targetSamples: options.targetSamples,
    maxRunSamples: maxRun,
    costScale,
    pulse: options.pulse,
  });
  if (Math.abs(exit.padSamples) > 4 * analysis.beatSamples) {
    shortfalls.add(`the ending could not be fitted within a bar of the target: ${(exit.padSamples / sampleRate).toFixed(1)} s of padding`);
  }
  const kept = steps.slice(0, exit.keep);
  const ranges = stepsToSongRanges(kept, cuts, length);
  ranges.push({ start: at(exit.endingBeat) + exit.shift, end: length });
  return { ranges, padSamples: exit.padSamples, introSamples, endingBeat: exit.endingBeat, shortfalls: [...shortfalls] };

  /** Every body phrase as a choice after `nextBeat` (the beat the song itself would play next), cheapest first. */
  function rankChoices(nextBeat: number, position: number): PhraseChoice[] {
    const ranked: PhraseChoice[] = [];
    for (const [index, phrase] of phrases.entries()) {
      if (index === current) continue;
      const natural = phrase.start === nextBeat;
      const runAfter = (natural ? position - runStart : 0) + at(phrase.end) - at(phrase.start);
      if (runAfter > maxRun) continue;
      let cost = natural ? RUN_COST_PER_PHRASE * Math.max(0, runPhrases - 1) : graph.transitionCost(nextBeat - 1, phrase.start) / costScale + 0.3;
      if (!natural) {
        const change = graph.loudnessChange(nextBeat, phrase.start);
        cost += LOUDNESS_PENALTY_PER_LU * Math.max(0, change - LOUDNESS_FREE_LU);
        if (options.pulse) cost += PULSE_PENALTY * (1 - options.pulse.clarity(at(nextBeat) + shift, at(phrase.start)));
        if (!graph.samePlaceInBar(nextBeat, phrase.start)) cost += 2;
      }
      if (history.repeats(phrase.start)) cost += REPEAT_COST;
      const ago = (position - lastHeard[index]!) / sampleRate;
      if (ago < RECENT_SECONDS) cost += 4 + 4 * (1 - ago / RECENT_SECONDS);
      cost += 0.5 * timesUsed[index]! + 0.25 * options.random();
      ranked.push({ phrase: index, cost });
    }
    if (ranked.length === 0) {
      // Every phrase would make the run too long: the cheapest jump anyway.
      phrases.forEach((_, index) => index !== current && ranked.push({ phrase: index, cost: 0 }));
      if (ranked.length === 0) ranked.push({ phrase: 0, cost: 0 });
    }
    return ranked.sort((a, b) => a.cost - b.cost);
  }
}

/**
 * Phrases in the output so far (by start beat), and every run of `size` consecutive ones. A stretch of
 * MAX_REPEAT_SECONDS played twice in the same order would contain `size` consecutive phrases (its partial first
 * and last ones included) played twice in the same order; so keeping every such run unique rules it out.
 */
function createSlotHistory(size: number) {
  const slots: number[] = [];
  const seen = new Set<string>();
  const key = (last: number) => [...slots.slice(-(size - 1)), last].join(",");
  return {
    repeats: (phrase: number) => slots.length >= size - 1 && seen.has(key(phrase)),
    push(phrase: number) {
      if (slots.length >= size - 1) seen.add(key(phrase));
      slots.push(phrase);
    },
  };
}

/** Phrases per run that a repeated MAX_REPEAT_SECONDS stretch must contain (at least 2). */
function gramSize(phrases: readonly Phrase[], at: (beat: number) => number, sampleRate: number): number {
  const longest = Math.max(1, ...phrases.map((p) => (at(p.end) - at(p.start)) / sampleRate));
  return Math.max(2, Math.ceil(MAX_REPEAT_SECONDS / longest));
}

/** Phrases between the intro and the kept ending, inside the playable part of the song. */
export function bodyPhrases(form: SongForm, graph: JumpGraph): Phrase[] {
  const starts = form.phraseStarts;
  const phrases: Phrase[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = starts[i + 1] ?? form.endingStartBeat;
    if (start < form.introEndBeat || end > form.endingStartBeat || start >= graph.lastPlayable) continue;
    if (end > start) phrases.push({ start, end });
  }
  if (phrases.length === 0 && form.endingStartBeat > form.introEndBeat) {
    phrases.push({ start: form.introEndBeat, end: form.endingStartBeat });
  }
  return phrases;
}

/** Median cost of jumping between phrase boundaries: costs are compared relative to what this song offers. */
function typicalCost(graph: JumpGraph, phrases: readonly Phrase[]): number {
  const costs: number[] = [];
  for (const a of phrases) {
    for (const b of phrases) if (a !== b && b.start !== a.end) costs.push(graph.transitionCost(a.end - 1, b.start));
  }
  costs.sort((x, y) => x - y);
  return Math.max(1e-6, costs[Math.floor(costs.length / 4)] ?? 1);
}

/** Consecutive beats merged into ranges of the input (the first one starts at the input's first sample). */
export function stepsToSongRanges(steps: readonly WalkStep[], cuts: readonly number[], length: number): SourceRange[] {
  const ranges: { start: number; end: number }[] = [];
  for (const [i, step] of steps.entries()) {
    const start = i === 0 ? 0 : cuts[step.beat]! + step.shift;
    const end = (cuts[step.beat + 1] ?? length) + step.shift;
    const previous = ranges[ranges.length - 1];
    if (previous && previous.end === start) previous.end = end;
    else ranges.push({ start, end });
  }
  return ranges;
}

import type { BeatAnalysis } from "../analysis/beats.ts";
import type { PulseProfile } from "../analysis/continuity.ts";
import type { SongForm } from "../analysis/form.ts";
import { loudnessStepCost, pulseCost } from "./join-costs.ts";
import { echoesJustPlayed } from "./join-echo.ts";
import type { JumpGraph } from "./jump-graph.ts";
import type { Phrase, PhraseChoice, PhraseSteering } from "./phrase.ts";
import type { SourceRange } from "./plan.ts";
import { runReplayLag } from "./replay-check.ts";
import { joinedStretch, type RunLoops } from "./run-loops.ts";
import { admittedChoices, byCost, type Candidate, settleFirst } from "./best-first.ts";
import { createSlotHistory, gramSize, type SlotHistory } from "./slot-history.ts";

import { MAX_REPEAT_SECONDS, MAX_VERBATIM_SECONDS } from "../variety.ts";

export { createSlotHistory, gramSize, MAX_REPEAT_SECONDS, MAX_VERBATIM_SECONDS };
/** A phrase heard less than this long ago is not played again when another will do. */
const RECENT_SECONDS = 30;
/**
 * A phrase started again sooner than this after its last start, when it fills at least half of that gap, is heard as
 * a back-to-back loop (the quality target "shortest back-to-back loop: 0 or >= 20 s"): ruled out like a repeated
 * stretch. A short phrase returning after other material (A B A) is musical form, not a loop.
 */
export const MIN_REPLAY_SECONDS = 20;

/** Output position where `phrase`, or a phrase that sounds the same (see soundAlikes), last started. */
function lastStartOf(state: WalkState, index: number): number {
  let last = state.lastStarted[index]!;
  for (const twin of state.soundAlikes[index] ?? []) last = Math.max(last, state.lastStarted[twin]!);
  return last;
}

/**
 * Whether starting `phrase` at `position` replays it back to back (see MIN_REPLAY_SECONDS): it, or another phrase
 * of the song that sounds the same, started too recently.
 */
function replaysBackToBack(state: WalkState, index: number, phraseSamples: number, sampleRate: number): boolean {
  const gap = state.position - lastStartOf(state, index);
  return gap < MIN_REPLAY_SECONDS * sampleRate && phraseSamples >= 0.5 * gap;
}

/** The cost of a back-to-back replay: when every choice is one (a short song), the widest loop is the least bad. */
function replayCost(state: WalkState, index: number, sampleRate: number): number {
  const gap = state.position - lastStartOf(state, index);
  return REPEAT_COST * (2 - gap / (MIN_REPLAY_SECONDS * sampleRate));
}

/** Cost of a choice that would repeat a stretch of the output in the same order. */
const REPEAT_COST = 25;
/**
 * When repeats cannot be avoided (the song's phrases have run out of fresh orders), a repeat of a stretch heard
 * SPREAD_SECONDS ago costs SPREAD_COST / 2 more, one heard just now SPREAD_COST more: the repeats spread as far apart
 * as the material allows.
 */
const SPREAD_COST = 12;
const SPREAD_SECONDS = 60;
/** The model chooses among the choices within this much of the rules' best (and never a repeat). */
const ADMISSIBLE_MARGIN = 1.5;
/** Each further phrase of an unbroken run of the song costs this much more: runs of 2–4 phrases, then a new order. */
const RUN_COST_PER_PHRASE = 0.35;

/** What the walk has done so far; choosePhrase updates it. */
export interface WalkState {
  readonly history: SlotHistory;
  /** Output position where each phrase last ended and last started (-Infinity: not heard yet). */
  readonly lastHeard: number[];
  readonly lastStarted: number[];
  /** soundAlikes(phrases): a replay of any of them counts as a replay of the phrase. */
  readonly soundAlikes: readonly (readonly number[])[];
  readonly timesUsed: number[];
  position: number;
  runStart: number;
  runPhrases: number;
  current: number;
  shift: number;
  costScale?: number;
  readonly shortfalls: Set<string>;
  /** Every repeat of a MAX_REPEAT_SECONDS stretch the walk had to make: where (output), and how long after its last play. */
  readonly repeats: { readonly at: number; readonly distance: number }[];
}

/** Where the next phrase joins: after beat `from`, in the bar place of beat `place`; `natural` is the song's own next beat. */
export interface JoinContext {
  readonly from: number;
  readonly place: number;
  readonly natural: number;
  /** Source position the outgoing side stops at (for the pulse), and samples read before the incoming cut. */
  readonly stop: number;
  readonly leadIn?: number;
}

export interface ChoiceEnvironment {
  readonly analysis: BeatAnalysis;
  readonly graph: JumpGraph;
  readonly cuts: readonly number[];
  readonly pulse?: PulseProfile;
  readonly random: () => number;
  readonly steering?: PhraseSteering;
  readonly heard: () => SourceRange[];
  /** Continue form: the extra cost of phrase `index`, after the walk so far, for straying from where the song was heading. */
  readonly follow?: (index: number, state: WalkState) => number;
  /** Hears whether a choice repeats the run before it back to back, as the loop measure does (run-loops.ts). */
  readonly runLoops?: RunLoops;
  /** Re-ranks the choices by what each leads to a few phrases on (look-ahead.ts). */
  readonly lookAhead?: (ranked: Candidate[], state: WalkState, join: JoinContext) => Candidate[];
}

/** Picks the next phrase (rules, then the steering's say among the best 12), and records it in `state`. */
export async function choosePhrase(
  phrases: readonly Phrase[],
  state: WalkState,
  join: JoinContext,
  env: ChoiceEnvironment,
): Promise<number> {
  state.costScale ??= typicalCost(env.graph, phrases);
  // The output heard does not change while the walk chooses: read once.
  let heard: SourceRange[] | undefined;
  const readHeard = env.heard;
  env = { ...env, heard: () => (heard ??= readHeard()) };
  const ranked = byCost(listCandidates(phrases, state, join, env, state.costScale));
  const choices = env.lookAhead && ranked.length > 1 ? env.lookAhead(ranked, state, join) : ranked;
  let pick = settleFirst(choices, 1)[0]!.choice;
  if (env.steering && choices.length > 1) {
    // When every choice breaks a rule (a short song stretched far), the model still chooses among the least bad.
    // Admitted by the rules alone: the continue form's pull toward where the song was heading (follow) is a prior the
    // steering weighs against its own prediction, not a rule.
    const rules = (c: PhraseChoice) => c.cost - (c.follow ?? 0);
    const limit = (best: number) =>
      best >= REPEAT_COST ? best + ADMISSIBLE_MARGIN : Math.min(REPEAT_COST, best + ADMISSIBLE_MARGIN);
    const admitted = admittedChoices(choices, rules, limit, 12);
    const index = await env.steering.choose(admitted, phrases, env.heard(), state.position);
    pick = admitted[Math.max(0, Math.min(admitted.length - 1, index))]!;
  }
  recordPick(phrases, state, pick.phrase, join, env);
  return pick.phrase;
}

/** Records in `state` that phrase `pick` is played next from `state.position` (its repeats, run, pulse shift, notes). */
export function recordPick(
  phrases: readonly Phrase[],
  state: WalkState,
  pick: number,
  join: JoinContext,
  env: Pick<ChoiceEnvironment, "analysis" | "cuts" | "pulse">,
): void {
  const { analysis, pulse } = env;
  const at = (beat: number) => env.cuts[beat] ?? analysis.length;
  const phrase = phrases[pick]!;
  const playedBefore = state.history.lastPlayed(phrase.start);
  if (playedBefore !== undefined) state.repeats.push({ at: state.position, distance: state.position - playedBefore });
  if (replaysBackToBack(state, pick, at(phrase.end) - at(phrase.start), analysis.sampleRate)) {
    state.shortfalls.add(
      `a phrase had to be played again back to back, within ${MIN_REPLAY_SECONDS} s of its last start (too few distinct phrases for this length)`,
    );
  }
  state.history.push(phrase.start, state.position);
  if (phrase.start !== join.natural) {
    state.runStart = state.position;
    state.runPhrases = 0;
    state.shift = pulse ? pulse.alignment(join.stop, at(phrase.start) - (join.leadIn ?? 0)) : 0;
  }
  state.runPhrases++;
  state.timesUsed[pick]!++;
  state.current = pick;
  if (
    state.position + at(phrase.end) - at(phrase.start) - state.runStart >
    MAX_VERBATIM_SECONDS * analysis.sampleRate
  ) {
    state.shortfalls.add(`a stretch longer than ${MAX_VERBATIM_SECONDS} s is copied contiguously`);
  }
}

/**
 * Every phrase as a choice at this join, in phrase order (the tie order). The run check (env.runLoops) only raises a
 * cost: it is put off until the choice could be picked (best-first.ts), as it is the dearest of the rules.
 */
export function listCandidates(
  phrases: readonly Phrase[],
  state: WalkState,
  join: JoinContext,
  env: ChoiceEnvironment,
  costScale: number,
): Candidate[] {
  const { analysis, graph, cuts, pulse } = env;
  const at = (beat: number) => cuts[beat] ?? analysis.length;
  const maxRun = MAX_VERBATIM_SECONDS * analysis.sampleRate;
  let loopsAfterHeard: ((next: SourceRange, cut: number) => number | undefined) | undefined;
  const ranked: Candidate[] = [];
  for (const [index, phrase] of phrases.entries()) {
    if (index === state.current) continue;
    const natural = phrase.start === join.natural;
    const runAfter = (natural ? state.position - state.runStart : 0) + at(phrase.end) - at(phrase.start);
    if (runAfter > maxRun) continue;
    let cost = natural
      ? RUN_COST_PER_PHRASE * Math.max(0, state.runPhrases - 1)
      : graph.transitionCost(join.from, phrase.start) / costScale + 0.3;
    if (!natural) {
      cost += loudnessStepCost(graph, join.place, phrase.start);
      if (pulse) cost += pulseCost(pulse, join.stop, at(phrase.start) - (join.leadIn ?? 0));
      if (!graph.samePlaceInBar(join.place, phrase.start)) cost += 2;
    }
    let repeat = 0;
    let loops = false;
    const playedBefore = state.history.lastPlayed(phrase.start);
    if (playedBefore !== undefined) {
      const ago = (state.position - playedBefore) / (SPREAD_SECONDS * analysis.sampleRate);
      repeat += REPEAT_COST + SPREAD_COST / (1 + ago);
    }
    // The first phrase after a continued input is heard from its lead-in on: that counts as played too.
    const played = at(phrase.end) - at(phrase.start) + (join.leadIn ?? 0);
    const backToBack = replaysBackToBack(state, index, played, analysis.sampleRate);
    if (backToBack) {
      repeat += replayCost(state, index, analysis.sampleRate);
    } else if (env.follow) {
      const replay = { maxLag: MIN_REPLAY_SECONDS * analysis.sampleRate, sampleRate: analysis.sampleRate };
      const lag = runReplayLag(env.heard(), { start: at(phrase.start), end: at(phrase.end) }, natural, join, replay);
      if (lag !== undefined) repeat += REPEAT_COST * (2 - lag / replay.maxLag);
      if (lag !== undefined) loops = true;
    }
    if (!backToBack && !loops && !natural && echoes(graph, state, join, phrase, at, analysis.sampleRate)) {
      repeat += REPEAT_COST;
      loops = true;
    }
    const ago = (state.position - state.lastHeard[index]!) / analysis.sampleRate;
    if (ago < RECENT_SECONDS) cost += 4 + 4 * (1 - ago / RECENT_SECONDS);
    const follow = env.follow?.(index, state) ?? 0;
    const [used, jitter] = [0.5 * state.timesUsed[index]!, 0.25 * env.random()];
    const choice = (repeat: number): PhraseChoice => {
      const total = cost + (repeat + used + jitter + follow);
      return { phrase: index, cost: total, follow, repeat, backToBack: backToBack || loops };
    };
    const ties = [ranked.length];
    // The song's own next phrase too, while a loop a join started can end in it (docs/faults.md: blockattack, h54).
    const heardOn = !natural || env.runLoops?.carriesOn(state.position - state.runStart);
    const runCheck = !backToBack && !loops && heardOn ? env.runLoops : undefined;
    const settle = (): Candidate => {
      loopsAfterHeard ??= runCheck!.after(env.heard());
      const stretch = joinedStretch(phrase, join, env, natural ? state.shift : undefined);
      const period = loopsAfterHeard(stretch, at(phrase.start));
      const penalty =
        period === undefined ? 0 : REPEAT_COST * (1 - period / (MIN_REPLAY_SECONDS * analysis.sampleRate));
      return { choice: choice(period === undefined ? repeat : repeat + penalty), ties };
    };
    ranked.push({ choice: choice(repeat), ties, settle: runCheck ? settle : undefined });
  }
  if (ranked.length === 0) {
    // Every phrase would make the run too long (a song of one phrase): any other phrase.
    phrases.forEach((_, index) => {
      if (index !== state.current) ranked.push({ choice: { phrase: index, cost: 0 }, ties: [ranked.length] });
    });
    if (ranked.length === 0) ranked.push({ choice: { phrase: 0, cost: 0 }, ties: [0] });
  }
  return ranked;
}

/** Whether entering `phrase` at this join plays the seconds just heard again straight away (join-echo.ts). */
function echoes(
  graph: JumpGraph,
  state: WalkState,
  join: JoinContext,
  phrase: Phrase,
  at: (beat: number) => number,
  sampleRate: number,
): boolean {
  const run = { runSamples: state.position - state.runStart, sampleRate, maxSeconds: MIN_REPLAY_SECONDS };
  return echoesJustPlayed(
    graph,
    { from: join.from, entry: phrase.start, entryBeats: phrase.end - phrase.start, ...run },
    at,
  );
}

/** Phrases from the intro's end up to `untilBeat`, inside the playable part of the song. */
export function bodyPhrases(form: SongForm, graph: JumpGraph, untilBeat: number): Phrase[] {
  const starts = form.phraseStarts;
  const phrases: Phrase[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = Math.min(starts[i + 1] ?? untilBeat, untilBeat);
    if (start < form.introEndBeat || start >= graph.lastPlayable) continue;
    if (end > start) phrases.push({ start, end });
  }
  if (phrases.length === 0 && untilBeat > form.introEndBeat) phrases.push({ start: form.introEndBeat, end: untilBeat });
  return phrases;
}

/** Lower quartile of the costs of jumping between phrase boundaries: costs are compared to what this song offers. */
function typicalCost(graph: JumpGraph, phrases: readonly Phrase[]): number {
  const costs: number[] = [];
  for (const a of phrases) {
    for (const b of phrases) if (a !== b && b.start !== a.end) costs.push(graph.transitionCost(a.end - 1, b.start));
  }
  costs.sort((x, y) => x - y);
  return Math.max(1e-6, costs[Math.floor(costs.length / 4)] ?? 1);
}

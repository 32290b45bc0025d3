import type { BeatAnalysis } from "../analysis/beats.ts";
import type { PulseProfile } from "../analysis/continuity.ts";
import type { SongForm } from "../analysis/form.ts";
import type { JumpGraph } from "./jump-graph.ts";
import { cutPositions, type RemixPlan, type SourceRange } from "./plan.ts";
import { FRESH_SECONDS, LONG_RESULT_SECONDS, reuseBlocks } from "./block-reuse.ts";
import { type PlayedBeat, repeatShortfall } from "./repeat-distance.ts";
import { chooseSongExit, type WalkStep } from "./song-exit.ts";
import { leadInOf, toRanges } from "./walk-ranges.ts";
import { followWeight, recentLikeness, shareCost } from "./follow.ts";
import { lookAhead } from "./look-ahead.ts";
import { RIDE_SECONDS } from "./level-ride.ts";
import { type RecentBarsOptions, rotationAfterInput, startAfterRotation } from "./recent-bars.ts";
import { lazyRunLoops, walkRunLoops } from "./run-loops.ts";
import { continueStart, songStart, type WalkStart } from "./walk-start.ts";
import type { FrameFeatures } from "../analysis/features.ts";
import { turnEvery } from "../quality/steps.ts";
import {
  bodyPhrases,
  choosePhrase,
  createSlotHistory,
  gramSize,
  MAX_VERBATIM_SECONDS,
  MIN_REPLAY_SECONDS,
  type WalkState,
} from "./phrase-choice.ts";
import { soundAlikes } from "./sound-alikes.ts";
import type { Phrase, PhraseSteering } from "./phrase.ts";

export { bodyPhrases, MAX_REPEAT_SECONDS, MAX_VERBATIM_SECONDS } from "./phrase-choice.ts";

export interface PhrasePlanOptions extends RecentBarsOptions {
  readonly form: "song" | "continue";
  /** "outro": finish with the input's own ending; "fade": fade out over fadeOutSamples at the target. */
  readonly ending: "outro" | "fade";
  readonly targetSamples: number;
  readonly crossfadeSamples: number;
  readonly fadeOutSamples: number;
  readonly random: () => number;
  readonly pulse?: PulseProfile;
  readonly steering?: PhraseSteering;
  /** The analysis frames the beats were found on: the walk hears its runs on them (run-loops.ts). */
  readonly frames: FrameFeatures;
  readonly onProgress?: (outputPosition: number) => void;
}

/**
 * Plans an extension as a walk over the song's phrases. Song form: the intro once, then the body, then the input's
 * own ending fitted to the target. Continue form: after the whole input, on its continued beat grid, the body, then
 * the input's ending or a fade. Every run of phrases long enough to cover MAX_REPEAT_SECONDS is played at most once,
 * no contiguous copy after the intro is longer than MAX_VERBATIM_SECONDS, recently heard phrases are avoided, and
 * joins are chosen for sound, loudness, pulse and place in the bar (see phrase-choice.ts).
 */
export async function planPhrases(
  analysis: BeatAnalysis,
  graph: JumpGraph,
  form: SongForm,
  options: PhrasePlanOptions,
): Promise<RemixPlan> {
  const { sampleRate, length } = analysis;
  const target = options.targetSamples;
  const cuts = cutPositions(analysis, options.crossfadeSamples);
  const at = (beat: number) => cuts[beat] ?? length;
  const outro = options.ending === "outro";
  const phrases = bodyPhrases(form, graph, outro ? form.endingStartBeat : graph.lastPlayable + 1);
  const phraseSamples = phrases.reduce((s, p) => s + at(p.end) - at(p.start), 0) / Math.max(1, phrases.length);
  const walkUntil = outro ? target - (length - at(form.endingStartBeat)) + 1.5 * phraseSamples : target;
  const song = options.form === "song";
  const start = song ? songStart(form, at) : continueStart(analysis, graph, cuts, options.crossfadeSamples);
  const state = startState(phrases, graph, form, at, start, song, sampleRate);
  const steps: WalkStep[] = [...start.steps];
  // With recent bars, the output is 2-bar pieces first: their loops can fall between beats (recent-bars.ts).
  const everyLag = !song && (options.recentBarsSeconds ?? 0) > 0;
  const hearRuns = lazyRunLoops(analysis, options.frames, { cuts, maxSeconds: MIN_REPLAY_SECONDS, everyLag });
  const rotation = song
    ? undefined
    : await rotationAfterInput(analysis, graph, form, cuts, start, { ...options, hearRuns });
  let next = rotation ? startAfterRotation(state, rotation, phrases, at, steps) : start.next;
  const likeness = song ? undefined : recentLikeness(analysis, graph, phrases);
  const lengths = phrases.map((p) => at(p.end) - at(p.start));
  const follow =
    likeness &&
    ((index: number, state: WalkState) =>
      followWeight((state.position - length) / sampleRate) * likeness[index]! +
      shareCost(lengths, state.timesUsed, index));
  const heard = (): SourceRange[] =>
    (song ? [] : [{ start: 0, end: length }]).concat(toRanges(steps, cuts, length, start.firstRangeStart));
  const runLoops = walkRunLoops(phrases.length, hearRuns);
  const { pulse, random, steering } = options;
  const environment = { analysis, graph, cuts, pulse, random, steering, heard, follow, runLoops };
  const long = target >= LONG_RESULT_SECONDS * sampleRate;
  const freshUntil = long ? Math.min(walkUntil, start.position + FRESH_SECONDS * sampleRate) : walkUntil;
  /** Where each phrase of the walk starts in `steps`. */
  const phraseSteps: number[] = [];
  const turnIfDue = turnEvery(); // a stop is let through while a long result is walked
  // At least one phrase: the exit into the ending needs a walk to leave.
  while ((state.position < freshUntil || steps.length === start.steps.length) && phrases.length > 0) {
    const first = steps.length === start.steps.length;
    const context =
      first && !song
        ? { from: start.contextBeat, place: next, natural: -1, stop: length, leadIn: start.leadIn }
        : { from: next - 1, place: next, natural: next, stop: at(next) + state.shift };
    const ahead = lookAhead(phrases, environment, freshUntil);
    const pick = await choosePhrase(phrases, state, context, { ...environment, lookAhead: ahead });
    // A long result out of fresh orders plays what it has planned again as blocks (block-reuse.ts).
    if (long && state.repeats.length > 0 && phraseSteps.length > 1) break;
    const phrase = phrases[pick]!;
    phraseSteps.push(steps.length);
    state.lastStarted[pick] = state.position;
    for (let b = phrase.start; b < phrase.end; b++) {
      steps.push({ beat: b, outputStart: state.position, shift: state.shift });
      state.position += at(b + 1) - at(b);
    }
    state.lastHeard[pick] = state.position;
    next = phrase.end;
    options.onProgress?.(Math.min(state.position, target));
    await turnIfDue();
  }
  const shortfalls = [...state.shortfalls];
  const blocks =
    long && state.position < walkUntil && phraseSteps.length > 1
      ? reuseBlocks(steps, phraseSteps, state.position, walkUntil, { graph, pulse: options.pulse, at, analysis })
      : undefined;
  const costScale = state.costScale ?? 1;
  const walk = { analysis, graph, form, cuts, steps, start, costScale, repeats: state.repeats, blocks };
  const plan = outro ? outroPlan(walk, options, shortfalls) : fadePlan(walk, options, shortfalls);
  return rotation ? { ...plan, recentBarsSamples: rotation.position - start.position } : plan;
}

/** repeatShortfall of the walk's result; `until`: where the kept walk ends (forced repeats after it are not played). */
function walkRepeats(walk: FinishedWalk, played: readonly PlayedBeat[], until: number) {
  const forced = walk.repeats.some((r) => r.at < until);
  const reasons = [forced ? "too few distinct phrases for this length" : undefined, walk.blocks].filter(Boolean);
  return repeatShortfall(played, walk.analysis, reasons.length > 0 ? reasons.join(": ") : undefined);
}

/** The walk's state before its first phrase: the intro (song form) or the whole input (continue form) heard. */
function startState(
  phrases: readonly Phrase[],
  graph: JumpGraph,
  form: SongForm,
  at: (beat: number) => number,
  start: WalkStart,
  song: boolean,
  sampleRate: number,
): WalkState {
  const state: WalkState = {
    history: createSlotHistory(gramSize(phrases, at, sampleRate)),
    // Continue form has played the whole input already, every phrase at its own place; its pull toward the input's
    // last seconds (follow.ts) outweighs the "heard in the last 30 s" cost for the phrases most like them.
    lastHeard: phrases.map((p) => (song ? -Infinity : at(p.end))),
    lastStarted: phrases.map((p) => (song ? -Infinity : at(p.start))),
    soundAlikes: soundAlikes(phrases, graph),
    timesUsed: phrases.map(() => 0),
    position: start.position,
    runStart: start.position,
    runPhrases: 0,
    current: -1,
    shift: 0,
    shortfalls: new Set<string>(),
    repeats: [],
  };
  for (const phraseStart of form.phraseStarts)
    if (song ? phraseStart < form.introEndBeat : phraseStart <= graph.lastPlayable)
      state.history.push(phraseStart, at(phraseStart));
  return state;
}

/** What the walk leaves for its exit into the input's own ending. */
interface FinishedWalk {
  readonly analysis: BeatAnalysis;
  readonly graph: JumpGraph;
  readonly form: SongForm;
  readonly cuts: readonly number[];
  readonly steps: readonly WalkStep[];
  readonly start: WalkStart;
  readonly costScale: number;
  readonly repeats: WalkState["repeats"];
  /** How the walk's body was played again as whole blocks (long results), in words. */
  readonly blocks?: string;
}

/** The walk up to its best exit, then the input's ending fitted to the target. */
function outroPlan(walk: FinishedWalk, options: PhrasePlanOptions, shortfalls: string[]): RemixPlan {
  const { analysis, graph, form, cuts, steps, start } = walk;
  const { sampleRate, length } = analysis;
  const at = (beat: number) => cuts[beat] ?? length;
  const song = options.form === "song";
  const exit = chooseSongExit(analysis, graph, cuts, steps, {
    firstStep: song ? form.introEndBeat : 1,
    endingBeat: form.endingStartBeat,
    targetSamples: options.targetSamples,
    maxRunSamples: MAX_VERBATIM_SECONDS * sampleRate,
    costScale: walk.costScale,
    pulse: options.pulse,
    approachBeats: Math.ceil((RIDE_SECONDS * sampleRate) / analysis.beatSamples),
  });
  if (Math.abs(exit.padSamples) > 4 * analysis.beatSamples) {
    shortfalls.push(
      `the ending could not be fitted within a bar of the target: ${(exit.padSamples / sampleRate).toFixed(1)} s of padding`,
    );
  }
  const last = steps[exit.keep - 1]!;
  const exitAt = steps[exit.keep]?.outputStart ?? last.outputStart + at(last.beat + 1) - at(last.beat);
  const ending = cuts
    .slice(exit.endingBeat)
    .map((cut, b) => ({ beat: exit.endingBeat + b, outputStart: exitAt + cut - at(exit.endingBeat) }));
  const repeated = walkRepeats(walk, [...steps.slice(0, exit.keep), ...ending], exitAt);
  if (repeated) shortfalls.unshift(repeated.note);
  const ranges = toRanges(steps.slice(0, exit.keep), cuts, length, start.firstRangeStart);
  const leadInSamples = song ? undefined : leadInOf(steps, cuts, ranges);
  const entered = at(exit.endingBeat) + exit.shift;
  ranges.push({ start: entered, end: length });
  const approachSamples = Math.max(0, at(form.endingStartBeat) - entered);
  return {
    form: options.form,
    ranges,
    ending: { kind: "outro", beat: exit.endingBeat, padSamples: exit.padSamples, approachSamples },
    introSamples: song ? at(form.introEndBeat) : length,
    shortfalls,
    shortestRepeatSeconds: repeated && repeated.shortestSamples / walk.analysis.sampleRate,
    leadInSamples,
  };
}

/** Continue form without an ending: the walk to the target, fading out from a beat near target - fade. */
function fadePlan(walk: FinishedWalk, options: PhrasePlanOptions, shortfalls: string[]): RemixPlan {
  const { steps, cuts, start } = walk;
  const length = walk.analysis.length;
  const target = options.targetSamples;
  const repeated = walkRepeats(walk, steps, target);
  if (repeated) shortfalls.unshift(repeated.note);
  const fadeLength = Math.min(options.fadeOutSamples, Math.max(0, target - length));
  const ideal = target - fadeLength;
  const beatLength = steps.length > 1 ? steps[1]!.outputStart - steps[0]!.outputStart : fadeLength;
  const onBeat = steps.reduce(
    (best, s) => (Math.abs(s.outputStart - ideal) < Math.abs(best - ideal) ? s.outputStart : best),
    ideal,
  );
  const fadeStart = Math.abs(onBeat - ideal) <= Math.abs(beatLength) && onBeat > length ? onBeat : ideal;
  const ranges = toRanges(steps, cuts, length, start.firstRangeStart);
  return {
    form: options.form,
    ranges,
    ending: { kind: "fade", fadeStart: Math.max(length, Math.min(target, fadeStart)) },
    introSamples: length,
    shortfalls,
    shortestRepeatSeconds: repeated && repeated.shortestSamples / walk.analysis.sampleRate,
    leadInSamples: leadInOf(steps, cuts, ranges),
  };
}

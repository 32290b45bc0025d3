import { BEATS_PER_BAR } from "../analysis/bars.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import type { PulseProfile } from "../analysis/continuity.ts";
import type { SongForm } from "../analysis/form.ts";
import type { JumpGraph } from "./jump-graph.ts";
import { loudnessStepCost, pulseCost } from "./join-costs.ts";
import { echoesJustPlayed, runsAlike } from "./join-echo.ts";
import { MIN_REPLAY_SECONDS, type WalkState } from "./phrase-choice.ts";
import type { Phrase } from "./phrase.ts";
import type { SourceRange } from "./plan.ts";
import { joinedStretch, type RunLoops } from "./run-loops.ts";
import type { WalkStep } from "./song-exit.ts";
import { toRanges } from "./walk-ranges.ts";
import type { WalkStart } from "./walk-start.ts";

/**
 * Continue form opens on the input's recent material: right after the input, its last RECENT_BARS_WINDOW seconds
 * re-ordered in units of UNIT_BARS bars, before the phrase walk widens to the rest of the song. On songs that stay in
 * the texture they reached (docs/continuation.md), looping the last 10 s is 2–10x closer to the true continuation
 * than any order of whole phrases the variety rules admit; units shorter than a phrase keep to the recent material
 * in new orders instead of a loop.
 */
export const RECENT_BARS_WINDOW = 30;
export const UNIT_BARS = 2;
/** No unit comes back sooner than this many units later (a back-to-back loop is a unit heard again right away). */
const MIN_UNITS_BETWEEN = 2;
/** The longest run of the song's own order the rotation plays, in units (the verbatim limit is far above it). */
const MAX_NATURAL_UNITS = 2;

/** A unit the rotation admits next: its first beat, where it starts in the input, and the rules' cost of the join. */
export interface UnitChoice {
  readonly unit: number;
  readonly start: number;
  readonly cost: number;
}

/**
 * Chooses among the units the rotation admits (the conductor: rotation-steering.ts): returns the index into `choices`.
 * `heard` is the output so far as ranges of the input, from the output's first sample.
 */
export interface UnitSteering {
  choose(choices: readonly UnitChoice[], heard: readonly SourceRange[]): Promise<number>;
  /** What the steering did, for the report. */
  summary(): string;
}

export interface RotationStart {
  /** Output position of the first unit's cut, and the beat whose bar place it takes. */
  readonly position: number;
  readonly place: number;
  /** The input's beat the first unit joins from, and the samples read before the first cut. */
  readonly from: number;
  readonly leadIn: number;
}

export interface Rotation {
  readonly steps: WalkStep[];
  /** Output position after the rotation; the beat after its last unit; that unit's pulse shift; where its run began. */
  readonly position: number;
  readonly next: number;
  readonly shift: number;
  readonly runStart: number;
}

/** Units of UNIT_BARS bars, on bar lines, inside the input's last RECENT_BARS_WINDOW seconds. */
export function recentUnits(analysis: BeatAnalysis, graph: JumpGraph, firstBeat: number): number[] {
  const { sampleRate, length } = analysis;
  const span = UNIT_BARS * BEATS_PER_BAR;
  const units: number[] = [];
  for (let b = Math.max(firstBeat, graph.firstPlayable); b + span <= graph.lastPlayable + 1; b++) {
    const ago = (length - (analysis.beats[b] ?? length)) / sampleRate;
    if (ago <= RECENT_BARS_WINDOW && graph.isDownbeat(b)) units.push(b);
  }
  // Units do not overlap: one every `span` beats from the window's first bar line.
  return units.filter((b) => (b - units[0]!) % span === 0);
}

/**
 * The input's recent units for `seconds` of output in a new order: each join the cheapest by the jump graph's
 * cost (sound, loudness, pulse) among the units not played in the last MIN_UNITS_BETWEEN, never a pair of units
 * played before in the same order, runs of the song's own order at most MAX_NATURAL_UNITS long, and (with `runs`)
 * no unit that makes a back-to-back loop with the output heard so far, as the loop measure would hear it. Stops
 * where no unit is left.
 */
export async function rotateRecent(
  analysis: BeatAnalysis,
  graph: JumpGraph,
  cuts: readonly number[],
  begin: RotationStart,
  options: {
    readonly seconds: number;
    readonly firstBeat: number;
    readonly pulse?: PulseProfile;
    readonly random: () => number;
    readonly runs?: RunLoops;
    readonly steering?: UnitSteering;
  },
): Promise<Rotation | undefined> {
  const { sampleRate, length } = analysis;
  const at = (beat: number) => cuts[beat] ?? length;
  const units = recentUnits(analysis, graph, options.firstBeat);
  if (units.length < MIN_UNITS_BETWEEN + 2) return undefined;
  const span = UNIT_BARS * BEATS_PER_BAR;
  const until = begin.position + options.seconds * sampleRate;
  const steps: WalkStep[] = [];
  const played: number[] = [];
  const pairs = new Set<string>();
  const heard = () => [{ start: 0, end: length }, ...toRanges(steps, cuts, length, (cut) => cut - begin.leadIn)];
  let position = begin.position;
  let from = begin.from;
  let place = begin.place;
  let stop = length;
  let leadIn = begin.leadIn;
  let shift = 0;
  let runStart = position;
  let runUnits = 0;
  while (position < until) {
    const previous = played[played.length - 1];
    // The input itself is the run before the first join.
    const runSamples = steps.length === 0 ? position : position - runStart;
    const admitted = units.filter(
      (unit) =>
        !(previous !== undefined && pairs.has(`${previous}>${unit}`)) &&
        admits(graph, { played, unit, span, from, runSamples, sampleRate, runUnits }, at),
    );
    const costOf = (u: number): number => {
      if (u === from + 1) return 0.25 * options.random();
      const pulse = options.pulse ? pulseCost(options.pulse, stop, at(u) - leadIn) : 0;
      return graph.transitionCost(from, u) + loudnessStepCost(graph, place, u) + pulse + 0.25 * options.random();
    };
    const costs = admitted.map(costOf);
    const stretchOf = (u: number): SourceRange =>
      u === from + 1
        ? { start: at(u) + shift, end: at(u + span) + shift }
        : joinedStretch({ start: u, end: u + span }, { stop, leadIn }, { analysis, cuts, pulse: options.pulse });
    const hear = options.runs && (() => options.runs!.after(heard()));
    const pick = await pickUnit({ units: admitted, costs, at, stretchOf, hear }, options.steering, heard);
    if (pick === undefined) break;
    if (pick !== from + 1) {
      shift = options.pulse ? options.pulse.alignment(stop, at(pick) - leadIn) : 0;
      runStart = position;
      runUnits = 0;
    }
    if (previous !== undefined) pairs.add(`${previous}>${pick}`);
    played.push(pick);
    runUnits++;
    for (let b = pick; b < pick + span; b++) {
      steps.push({ beat: b, outputStart: position, shift });
      position += at(b + 1) - at(b);
    }
    from = pick + span - 1;
    place = pick + span;
    stop = at(pick + span) + shift;
    leadIn = 0;
  }
  if (steps.length === 0) return undefined;
  return { steps, position, next: from + 1, shift, runStart };
}

/** A unit the rotation may play next, after `played`, at a join out of the song after beat `from`. */
interface UnitJoin {
  readonly played: readonly number[];
  readonly unit: number;
  readonly span: number;
  readonly from: number;
  readonly runSamples: number;
  readonly sampleRate: number;
  readonly runUnits: number;
}

/**
 * The rotation's cheap rules for a unit: not one of the last MIN_UNITS_BETWEEN played nor alike to them as the loop
 * measure hears it (join-echo.ts), no join that plays again what was just played, no natural run over
 * MAX_NATURAL_UNITS.
 */
function admits(graph: JumpGraph, c: UnitJoin, at: (beat: number) => number): boolean {
  const { unit, span, from } = c;
  if (c.played.slice(-MIN_UNITS_BETWEEN).some((p) => p === unit || runsAlike(graph, p, unit, span))) return false;
  if (unit === from + 1) return c.runUnits < MAX_NATURAL_UNITS;
  const echo = { from, entry: unit, entryBeats: span, maxSeconds: MIN_REPLAY_SECONDS };
  return !echoesJustPlayed(graph, { ...echo, runSamples: c.runSamples, sampleRate: c.sampleRate }, at);
}

/** The admitted units with their join costs, and how to hear a unit's loops (run-loops.ts). */
interface UnitOptions {
  readonly units: readonly number[];
  readonly costs: readonly number[];
  readonly at: (beat: number) => number;
  readonly stretchOf: (unit: number) => SourceRange;
  readonly hear: (() => (next: SourceRange, cut: number) => number | undefined) | undefined;
}

/**
 * The unit to play next: the cheapest (first in order among equal costs) whose stretch makes no back-to-back loop with
 * the output heard (`hear`: heard only when a unit is to be picked), or with `steering` (the conductor's) its choice
 * among the units that make none. Undefined when every unit would loop.
 */
async function pickUnit(
  o: UnitOptions,
  steering: UnitSteering | undefined,
  heard: () => SourceRange[],
): Promise<number | undefined> {
  const order = o.units.map((_, i) => i).sort((a, b) => o.costs[a]! - o.costs[b]! || a - b);
  let loops: ReturnType<NonNullable<UnitOptions["hear"]>> | undefined;
  const loopFree = (i: number): boolean => {
    if (!o.hear) return true;
    loops ??= o.hear();
    return loops(o.stretchOf(o.units[i]!), o.at(o.units[i]!)) === undefined;
  };
  if (!steering) {
    const first = order.find(loopFree);
    return first === undefined ? undefined : o.units[first];
  }
  const free = order.filter(loopFree);
  if (free.length === 0) return undefined;
  const choices = free.map((i) => ({ unit: o.units[i]!, start: o.at(o.units[i]!), cost: o.costs[i]! }));
  return choices[await steering.choose(choices, heard())]!.unit;
}

export interface RecentBarsOptions {
  /**
   * Continue form: seconds of the input's recent bars re-ordered before the phrase walk (at most half of what is left
   * to fill); unset or 0: none (not the default: docs/continuation.md, "Recent bars by rule").
   */
  readonly recentBarsSeconds?: number;
  /** Chooses among the units the rules admit (the conductor engine's); unset: the cheapest join. */
  readonly recentBarsSteering?: UnitSteering;
}

/** The rotation of the input's recent units that opens a continuation (none when `recentBarsSeconds` is 0). */
export async function rotationAfterInput(
  analysis: BeatAnalysis,
  graph: JumpGraph,
  form: SongForm,
  cuts: readonly number[],
  start: Pick<WalkStart, "position" | "next" | "contextBeat" | "leadIn">,
  options: RecentBarsOptions & {
    readonly targetSamples: number;
    readonly pulse?: PulseProfile;
    readonly random: () => number;
    /** The ear for back-to-back loops (run-loops.ts, hearing every lag), made when the rotation plays. */
    readonly hearRuns?: () => RunLoops;
  },
): Promise<Rotation | undefined> {
  const room = (options.targetSamples - start.position) / analysis.sampleRate / 2;
  const seconds = Math.min(options.recentBarsSeconds ?? 0, room);
  if (seconds <= 0) return undefined;
  const begin = { position: start.position, place: start.next, from: start.contextBeat, leadIn: start.leadIn ?? 0 };
  const runs = options.hearRuns?.();
  const { pulse, random, recentBarsSteering: steering } = options;
  const settings = { seconds, firstBeat: form.introEndBeat, pulse, random, runs, steering };
  return rotateRecent(analysis, graph, cuts, begin, settings);
}

/**
 * The walk's state after the rotation: its steps played, and the phrases it drew from heard and started where it last
 * played them, so that the walk's rules against recent and back-to-back replays see them. Returns the beat the walk
 * goes on from.
 */
export function startAfterRotation(
  state: WalkState,
  rotation: Rotation,
  phrases: readonly Phrase[],
  at: (beat: number) => number,
  steps: WalkStep[],
): number {
  const span = UNIT_BARS * BEATS_PER_BAR;
  rotation.steps.forEach((step, i) => {
    steps.push(step);
    const index = phrases.findIndex((p) => p.start <= step.beat && step.beat < p.end);
    if (index < 0) return;
    state.lastHeard[index] = Math.max(state.lastHeard[index]!, step.outputStart + at(step.beat + 1) - at(step.beat));
    // A unit that plays a phrase's first beat started that phrase too, though the unit began in the phrase before.
    if (i % span === 0 || step.beat === phrases[index]!.start)
      state.lastStarted[index] = Math.max(state.lastStarted[index]!, step.outputStart);
  });
  state.position = rotation.position;
  state.shift = rotation.shift;
  state.runStart = rotation.runStart;
  state.runPhrases = 1;
  return rotation.next;
}

/** The report's words for the rotation's part of continue form ("" when there was none), before "a body ...". */
export function recentBarsNote(samples: number | undefined, sampleRate: number): string {
  if (!samples) return "";
  return `${(samples / sampleRate).toFixed(1)} s of its last ${RECENT_BARS_WINDOW} s re-ordered in ${UNIT_BARS}-bar units (the song goes on most like its latest material), then `;
}

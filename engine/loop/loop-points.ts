import { downbeatPhase } from "../analysis/bars.ts";
import { analyseSignal, type SignalAnalysis } from "../analysis/beats.ts";
import { createLoudnessProfile } from "../analysis/continuity.ts";
import { analyseForm } from "../analysis/form.ts";
import { downmix } from "../analysis/signal.ts";
import { HOP } from "../analysis/features.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { CLICK_RATIO_THRESHOLD } from "../quality/clicks.ts";
import { buildJumpGraph } from "../remix/jump-graph.ts";
import { cutPositions } from "../remix/plan.ts";
import { alignJoin, type LoopJoin, measureLoopJoin } from "./loop-join.ts";

/** A loop: a player plays the song up to `end` (exclusive), then goes on from `start`, forever. */
export interface LoopPoints {
  readonly sampleRate: number;
  /** First sample of the loop. */
  readonly start: number;
  /** First sample after the loop (LOOPSTART + LOOPLENGTH). */
  readonly end: number;
  /** The planner's cost of the jump from the loop's last beat to its first (see JumpGraph.transitionCost). */
  readonly cost: number;
  readonly join: LoopJoin;
}

export type LoopSearch =
  | { readonly found: true; readonly loop: LoopPoints; readonly candidates: number }
  /** `best`: the least bad loop, which failed the limits named in `reason`. */
  | { readonly found: false; readonly reason: string; readonly best?: LoopPoints; readonly candidates: number };

export interface LoopSearchOptions {
  /** Shortest loop as a share of the song (PyMusicLooper's default, 0.35). */
  readonly minShare?: number;
}

/** What a seamless join may measure at most (the extension report's seam metrics). */
export const SEAMLESS = {
  /** The planner's jump cost: 4-beat context distance plus level and loudness changes (near-identical is 0.3). */
  cost: 0.6,
  /** LoopJoin.stepRatio: the extension report's click threshold, on the jump the join adds. */
  stepRatio: CLICK_RATIO_THRESHOLD,
  loudnessChangeLu: 1.5,
  beatPhaseError: 0.15,
} as const;

/** Candidate joins measured sample by sample, cheapest first. */
const CANDIDATES_MEASURED = 8;
/** Joins within this of the cheapest count as equally good: the longest of them is taken. */
const COST_TIE = 0.05;

/**
 * The best seamless loop of a song, found with the planner's own analysis: its beats, bars and jump graph (the
 * sound, level and loudness of the 4 beats before a jump against those before the beat it replaces). A loop starts
 * and ends on bar lines inside the sounding part, is at least minShare of the song, and its start is then moved to
 * the sample where the waveform best continues the end's. A song whose best join still measures above SEAMLESS gets
 * no loop: `reason` says which figure failed.
 */
export function findLoopPoints(audio: PcmAudio, options: LoopSearchOptions = {}): LoopSearch {
  return findLoopPointsIn(audio, analyseSignal(audio), options);
}

export function findLoopPointsIn(audio: PcmAudio, analysis: SignalAnalysis, options: LoopSearchOptions): LoopSearch {
  const beats = analysis.beats;
  const phase = beats.method === "grid" ? undefined : downbeatPhase(beats);
  const form = analyseForm(beats, { downbeatPhase: phase });
  const graph = buildJumpGraph(beats, { loudness: createLoudnessProfile(audio), downbeatPhase: phase });
  // A little before each beat, as the planner cuts: the join then lies before the attack, not inside it.
  const cuts = cutPositions(beats, 0);
  const at = (beat: number) => cuts[beat] ?? beats.length;
  const minLength = (options.minShare ?? 0.35) * frameCount(audio);
  const bars = form.bars.filter((b) => b >= graph.firstPlayable && b <= graph.lastPlayable + 1);
  const candidates: { start: number; end: number; cost: number }[] = [];
  for (const end of bars) {
    for (const start of bars) {
      if (at(end) - at(start) < minLength) break;
      candidates.push({ start, end, cost: graph.transitionCost(end - 1, start) });
    }
  }
  if (candidates.length === 0) {
    return {
      found: false,
      reason: `no two bar lines of the song are at least ${describeShare(options)} apart`,
      candidates: 0,
    };
  }
  candidates.sort((a, b) => a.cost - b.cost);
  const mono = downmix(audio);
  const search = Math.round(1.5 * HOP * analysis.signal.factor);
  const measured = pickDistinct(candidates, CANDIDATES_MEASURED).map(({ start, end, cost }): LoopPoints => {
    const exact = alignJoin(audio, mono, at(start), at(end), search);
    const join = measureLoopJoin(audio, analysis, exact.start, exact.end, mono);
    return { sampleRate: audio.sampleRate, ...exact, cost, join };
  });
  const passing = measured.filter((loop) => failedLimit(loop) === undefined);
  if (passing.length === 0) {
    const best = measured[0]!;
    return { found: false, reason: `its best join ${failedLimit(best)}`, best, candidates: candidates.length };
  }
  const cheapest = passing[0]!.cost;
  const loop = passing
    .filter((l) => l.cost <= cheapest + COST_TIE)
    .reduce((longest, l) => (l.end - l.start > longest.end - longest.start ? l : longest));
  return { found: true, loop, candidates: candidates.length };
}

const describeShare = (options: LoopSearchOptions) => `${Math.round((options.minShare ?? 0.35) * 100)} % of its length`;

/** The first limit of SEAMLESS the loop breaks, in words; undefined when it breaks none. */
export function failedLimit(loop: LoopPoints): string | undefined {
  const { join } = loop;
  if (!(loop.cost <= SEAMLESS.cost))
    return `differs in sound or level from what the song plays there (cost ${loop.cost.toFixed(2)}, limit ${SEAMLESS.cost})`;
  if (!(join.stepRatio <= SEAMLESS.stepRatio))
    return `clicks (a jump of ${join.stepRatio.toFixed(1)} times the song's usual step, limit ${SEAMLESS.stepRatio})`;
  const loudness = Math.abs(join.loudnessChangeLu ?? 0);
  if (!(loudness <= SEAMLESS.loudnessChangeLu))
    return `changes the loudness by ${loudness.toFixed(1)} LU (limit ${SEAMLESS.loudnessChangeLu})`;
  const phase = join.beatPhaseError ?? 0;
  if (!(phase <= SEAMLESS.beatPhaseError))
    return `shifts the beat by ${phase.toFixed(2)} of a beat (limit ${SEAMLESS.beatPhaseError})`;
  return undefined;
}

/** The cheapest `count` candidates, no two sharing their start or their end (else they differ by a bar or two). */
function pickDistinct<T extends { start: number; end: number }>(sorted: readonly T[], count: number): T[] {
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.length >= count) break;
    if (kept.every((k) => k.start !== candidate.start && k.end !== candidate.end)) kept.push(candidate);
  }
  return kept;
}

import type { BeatAnalysis } from "../analysis/beats.ts";
import type { SongForm } from "../analysis/form.ts";
import type { JumpGraph } from "./jump-graph.ts";
import type { WalkStep } from "./song-exit.ts";

/** Where the phrase walk begins, in song form (after the intro) and in continue form (after the whole input). */
export interface WalkStart {
  readonly steps: WalkStep[];
  readonly position: number;
  /** The beat whose place in the bar the first phrase must take (virtual beyond the input in continue form). */
  readonly next: number;
  readonly contextBeat: number;
  /** Samples of the first phrase read before its cut (continue form: up to the continued beat grid). */
  readonly leadIn?: number;
  /** Source position of the first range: the input's first sample (song), or the lead-in before a phrase's cut. */
  readonly firstRangeStart?: (firstBeatCut: number) => number;
}

/** Song form: the intro's beats from the input's first sample. */
export function songStart(form: SongForm, at: (beat: number) => number): WalkStart {
  const steps: WalkStep[] = [];
  for (let b = 0; b < form.introEndBeat; b++) steps.push({ beat: b, outputStart: at(b), shift: 0 });
  return {
    steps,
    position: at(form.introEndBeat),
    next: form.introEndBeat,
    contextBeat: form.introEndBeat - 1,
    firstRangeStart: () => 0,
  };
}

/** Continue form: the beat grid runs on past the input's end; the first phrase's cut lands on it. */
export function continueStart(
  analysis: BeatAnalysis,
  graph: JumpGraph,
  cuts: readonly number[],
  crossfadeSamples: number,
): WalkStart {
  const { length, beatSamples } = analysis;
  let last = cuts.length - 1;
  while (last > 0 && cuts[last]! >= length) last--;
  let virtualNext = cuts[last]! + beatSamples;
  let virtualBeats = 1;
  // Far enough past the end for the join's crossfade, and on a bar line: phrases start on bar lines.
  while (virtualNext < length + 4 * crossfadeSamples || !graph.isDownbeat(last + virtualBeats)) {
    virtualNext += beatSamples;
    virtualBeats++;
  }
  const leadIn = virtualNext - length;
  return {
    steps: [],
    position: virtualNext,
    next: last + virtualBeats,
    contextBeat: Math.min(last, graph.lastPlayable + 2),
    leadIn,
    firstRangeStart: (cut) => cut - leadIn,
  };
}

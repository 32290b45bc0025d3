import type { PulseProfile } from "../analysis/continuity.ts";
import type { JumpGraph } from "./jump-graph.ts";

/** A loudness step across a join up to this many LU is not heard as one. */
const LOUDNESS_FREE_LU = 0.75;
/** Each LU of step beyond LOUDNESS_FREE_LU. */
const LOUDNESS_COST_PER_LU = 3;
/** A join whose pulse does not carry on at all (clarity 0). */
const PULSE_COST = 1.5;

/**
 * What a join costs for the loudness step it makes: beat `entry` played where the song would have played `place`.
 * The walk, the recent bars' rotation and the plan by need's edits weigh it alike.
 */
export function loudnessStepCost(graph: JumpGraph, place: number, entry: number): number {
  return LOUDNESS_COST_PER_LU * Math.max(0, graph.loudnessChange(place, entry) - LOUDNESS_FREE_LU);
}

/** What a join costs for a pulse that does not carry on: the source stops at `stop`, the entry is cut at `entryCut`. */
export function pulseCost(pulse: PulseProfile, stop: number, entryCut: number): number {
  return PULSE_COST * (1 - pulse.clarity(stop, entryCut));
}

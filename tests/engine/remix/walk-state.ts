import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { createSlotHistory, type WalkState } from "../../../engine/remix/phrase-choice.ts";
import type { Phrase } from "../../../engine/remix/phrase.ts";
import { soundAlikes } from "../../../engine/remix/sound-alikes.ts";

/** What a test's walk has played so far: where each phrase was last heard and started, how often, and where it is. */
export type Played = Pick<WalkState, "lastHeard" | "lastStarted" | "timesUsed" | "position" | "runStart" | "current">;

/**
 * A walk's state for a choosePhrase test: `played`, one phrase in the current run, no pulse shift, the phrases'
 * sound-alikes found on `graph`, and an empty slot history (the test pushes what was played).
 */
export function walkState(phrases: readonly Phrase[], graph: JumpGraph, played: Played): WalkState {
  return {
    history: createSlotHistory(2),
    soundAlikes: soundAlikes(phrases, graph),
    runPhrases: 1,
    shift: 0,
    shortfalls: new Set(),
    repeats: [],
    ...played,
  };
}

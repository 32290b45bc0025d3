import type { SourceRange } from "./plan.ts";

/** A phrase of the song's body: beats [start, end). */
export interface Phrase {
  readonly start: number;
  readonly end: number;
}

/** One option at a phrase boundary, with what the planner's own rules say of it (lower is better). */
export interface PhraseChoice {
  readonly phrase: number;
  readonly cost: number;
  /** The part of `cost` that is continue form's pull toward where the song was heading (follow.ts). */
  readonly follow?: number;
  /** The part of `cost` for breaking the variety rules: a repeated stretch or a back-to-back replay. */
  readonly repeat?: number;
  /** Whether the choice replays material back to back (a loop), the worst of the variety rules' faults. */
  readonly backToBack?: boolean;
}

/**
 * Chooses among the ranked options at a phrase boundary (the model): returns the index into `choices`.
 * `heard` is the output so far as ranges of the input, from the output's first sample.
 */
export interface PhraseSteering {
  choose(
    choices: readonly PhraseChoice[],
    phrases: readonly Phrase[],
    heard: readonly SourceRange[],
    position: number,
  ): Promise<number>;
  /** What the steering did, for the report (e.g. "the model chose 7 of 19 phrases"). */
  summary(): string;
}

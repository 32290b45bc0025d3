import type { Phrase, PhraseChoice } from "./phrase.ts";
import type { SourceRange } from "./plan.ts";
import { type Candidate, cheapest, reranked, settleFirst } from "./best-first.ts";
import {
  type ChoiceEnvironment,
  type JoinContext,
  listCandidates,
  recordPick,
  type WalkState,
} from "./phrase-choice.ts";

/**
 * Phrases the walk plays on, in thought, after each choice it weighs. A greedy walk can use up every fresh order that
 * follows a phrase and then have to repeat a 30 s stretch or replay a phrase back to back (Feelings' 12.56 s loop in
 * docs/continuation.md); playing a few phrases ahead sees that dead end while a choice still avoids it.
 */
export const LOOK_AHEAD_PHRASES = 6;
/** A loop ahead weighs this many times a repeated stretch ahead. */
const LOOP_WEIGHT = 3;
/** Keeps a choice that loops now behind every one that does not. */
const LOOP_PENALTY = 1000;
/** The cheapest choices weighed by their look-ahead when the first one leads to a repeat. */
export const LOOK_AHEAD_CHOICES = 6;

/**
 * Re-ranks `choices` by what each leads to: to each choice's cost adds the worst variety fault (PhraseChoice.repeat,
 * a loop weighing LOOP_WEIGHT times more) of the greedy walk's next LOOK_AHEAD_PHRASES phrases after it, up to output
 * position `until`. The worst, not the sum: a walk that must repeat somewhere should repeat as far from the first
 * play as it can (a repeat's cost falls with its distance), not avoid one fault by heading into another. Only when the
 * first choice's walk breaks a rule are the others weighed (then the cheapest LOOK_AHEAD_CHOICES; the rest count as
 * badly as the worst of them): where nothing ahead breaks a rule, the walk chooses as it always did.
 */
export function lookAhead(
  phrases: readonly Phrase[],
  env: ChoiceEnvironment,
  until: number,
): (ranked: Candidate[], state: WalkState, join: JoinContext) => Candidate[] {
  return (ranked, state, join) => {
    let heard: SourceRange[] | undefined;
    const ahead = { ...env, random: () => 0.5, steering: undefined, lookAhead: undefined, runLoops: undefined };
    const cost = (choice: PhraseChoice) => {
      heard ??= env.follow ? env.heard() : [];
      return playOn(phrases, state, join, choice.phrase, { ...ahead, heard: () => heard! }, until);
    };
    const first = cost(settleFirst(ranked, 1)[0]!.choice);
    if (first === 0) return ranked;
    const choices = settleFirst(ranked, LOOK_AHEAD_CHOICES).slice(0, LOOK_AHEAD_CHOICES);
    const weighed = choices.map((c, i) => (i === 0 ? first : cost(c.choice)));
    const worst = Math.max(...weighed);
    // A loop now is never traded for repeats later, unless the first choice loops too.
    const loop = choices[0]!.choice.backToBack ? 0 : LOOP_PENALTY;
    return reranked(ranked, weighed.length, (i, c) => c.cost + (weighed[i] ?? worst) + (c.backToBack ? loop : 0));
  };
}

/** The worst variety fault of the greedy walk's next phrases after `pick` (the walk's own state is not touched). */
function playOn(
  phrases: readonly Phrase[],
  walked: WalkState,
  join: JoinContext,
  pick: number,
  env: ChoiceEnvironment,
  until: number,
): number {
  const at = (beat: number) => env.cuts[beat] ?? env.analysis.length;
  const state: WalkState = {
    ...walked,
    history: walked.history.fork(),
    lastHeard: [...walked.lastHeard],
    lastStarted: [...walked.lastStarted],
    timesUsed: [...walked.timesUsed],
    shortfalls: new Set(),
    repeats: [],
  };
  const heard = [...env.heard()];
  const played = { ...env, heard: () => heard };
  let context = join;
  let worst = 0;
  for (let step = 0; ; step++) {
    recordPick(phrases, state, pick, context, played);
    const phrase = phrases[pick]!;
    state.lastStarted[pick] = state.position;
    const start = at(phrase.start) + state.shift;
    const previous = heard[heard.length - 1];
    if (previous && previous.end === start)
      heard[heard.length - 1] = { start: previous.start, end: previous.end + at(phrase.end) - at(phrase.start) };
    else heard.push({ start, end: at(phrase.end) + state.shift });
    state.position += at(phrase.end) - at(phrase.start);
    state.lastHeard[pick] = state.position;
    if (step === LOOK_AHEAD_PHRASES || state.position >= until) return worst;
    context = { from: phrase.end - 1, place: phrase.end, natural: phrase.end, stop: at(phrase.end) + state.shift };
    const best = cheapest(listCandidates(phrases, state, context, played, state.costScale ?? 1));
    worst = Math.max(worst, (best.repeat ?? 0) * (best.backToBack ? LOOP_WEIGHT : 1));
    pick = best.phrase;
  }
}

import type { PhraseChoice } from "./phrase.ts";

/**
 * A choice as ranked so far. With `settle`, its cost is a floor: a check that can only raise it (the run check,
 * run-loops.ts) is put off until the choice could be picked, and `settle` gives it with its full cost. Best-first
 * ranking settles only the choices a pick reads, so the order read is the one ranking every choice in full gives.
 */
export interface Candidate {
  readonly choice: PhraseChoice;
  /** Breaks ties in cost, in the order a stable sort would keep (ascending, compared left to right). */
  readonly ties: readonly number[];
  readonly settle?: () => Candidate;
}

/** Whether `a` ranks before `b`: cheaper, or as cheap and earlier in tie order. */
function before(a: Candidate, b: Candidate): boolean {
  if (a.choice.cost !== b.choice.cost) return a.choice.cost < b.choice.cost;
  for (let i = 0; i < Math.min(a.ties.length, b.ties.length); i++) {
    if (a.ties[i] !== b.ties[i]) return a.ties[i]! < b.ties[i]!;
  }
  return false;
}

/** Candidates cheapest first (floors for the unsettled). */
export function byCost(candidates: Candidate[]): Candidate[] {
  return candidates.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** Settles `ranked[i]` and moves it back to where its full cost ranks it (never earlier: a floor only rises). */
function settleAt(ranked: Candidate[], i: number): void {
  const settled = ranked[i]!.settle!();
  ranked.splice(i, 1);
  let at = i;
  while (at < ranked.length && before(ranked[at]!, settled)) at++;
  ranked.splice(at, 0, settled);
}

/** The first choice of the full ranking of `candidates` (in tie order), settling only what could be first. */
export function cheapest(candidates: Candidate[]): PhraseChoice {
  for (;;) {
    let first = 0;
    for (let i = 1; i < candidates.length; i++) if (before(candidates[i]!, candidates[first]!)) first = i;
    const candidate = candidates[first]!;
    if (!candidate.settle) return candidate.choice;
    candidates[first] = candidate.settle();
  }
}

/** Settles the first `n` of `ranked` (cheapest first): they are then the first n of the full ranking, in its order. */
export function settleFirst(ranked: Candidate[], n: number): Candidate[] {
  for (let i = 0; i < Math.min(n, ranked.length); i++) {
    while (ranked[i]!.settle) settleAt(ranked, i);
  }
  return ranked;
}

/** Settles every candidate whose floor passes `maybe` (a test a candidate can only fail more as its cost rises). */
export function settleWhere(ranked: Candidate[], maybe: (choice: PhraseChoice) => boolean): Candidate[] {
  for (let i = 0; i < ranked.length; i++) {
    if (ranked[i]!.settle && maybe(ranked[i]!.choice)) {
      settleAt(ranked, i);
      i = -1;
    }
  }
  return ranked;
}

/** The least `value` over all candidates settled, for a value that rises with the cost (settling only what could be least). */
export function settledMin(ranked: Candidate[], value: (choice: PhraseChoice) => number): number {
  for (;;) {
    let least = 0;
    for (let i = 1; i < ranked.length; i++) {
      if (value(ranked[i]!.choice) < value(ranked[least]!.choice)) least = i;
    }
    if (!ranked[least]!.settle) return value(ranked[least]!.choice);
    settleAt(ranked, least);
  }
}

/**
 * The first of `ranked`, then, in ranking order, the others whose `rules` cost is within `limitOf` the least of them
 * all, up to `count` in all. A candidate whose floor is over the limit is never admitted, so it is never settled.
 */
export function admittedChoices(
  ranked: Candidate[],
  rules: (choice: PhraseChoice) => number,
  limitOf: (least: number) => number,
  count: number,
): PhraseChoice[] {
  const limit = limitOf(settledMin(ranked, rules));
  settleFirst(
    settleWhere(ranked, (c) => rules(c) <= limit),
    1,
  );
  return ranked
    .filter((c, i) => i === 0 || rules(c.choice) <= limit)
    .slice(0, count)
    .map((c) => c.choice);
}

/** Every candidate settled, as the full ranking's choices. */
export function settledChoices(ranked: Candidate[]): PhraseChoice[] {
  return settleFirst(ranked, ranked.length).map((c) => c.choice);
}

/**
 * Gives each candidate the cost `costOf(i, choice)` (rising with choice.cost: a floor stays a floor), i its place in
 * the full ranking (only told for the first `settledCount`, which must be settled; the rest are told settledCount),
 * and ranks them again as a stable sort of the full ranking would.
 */
export function reranked(
  ranked: Candidate[],
  settledCount: number,
  costOf: (i: number, choice: PhraseChoice) => number,
): Candidate[] {
  const moved = (c: Candidate, i: number): Candidate => ({
    choice: { ...c.choice, cost: costOf(i, c.choice) },
    ties: [c.choice.cost, ...c.ties],
    settle: c.settle ? () => moved(c.settle!(), i) : undefined,
  });
  return byCost(ranked.map((c, i) => moved(c, Math.min(i, settledCount))));
}

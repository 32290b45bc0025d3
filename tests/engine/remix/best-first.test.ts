import { describe, expect, test } from "vitest";
import {
  admittedChoices,
  byCost,
  type Candidate,
  cheapest,
  reranked,
  settledChoices,
  settleFirst,
} from "../../../engine/remix/best-first.ts";
import type { PhraseChoice } from "../../../engine/remix/phrase.ts";
import { mulberry32 } from "../../../engine/random.ts";

/**
 * Choices whose run check (a cost that can only rise) is put off must be picked exactly as if every choice had been
 * checked: the same first choice, the same order for the look-ahead and the steering, ties kept in phrase order.
 * Random rankings, some costs tied, about a third of the choices raised by their check; `checks` counts the checks run.
 */
function rankings(seed: number) {
  const random = mulberry32(seed);
  const count = 2 + Math.floor(random() * 30);
  const base = Array.from({ length: count }, () => Math.round(random() * 8) / 2);
  const raise = base.map(() => (random() < 0.35 ? Math.round(random() * 6) / 2 : 0));
  const follow = base.map(() => (random() < 0.5 ? random() : 0));
  const checks = { count: 0 };
  const full = (i: number): PhraseChoice => ({ phrase: i, cost: base[i]! + raise[i]!, follow: follow[i] });
  const lazy = (): Candidate[] =>
    base.map((cost, i) => ({
      choice: { phrase: i, cost, follow: follow[i] },
      ties: [i],
      settle: () => {
        checks.count++;
        return { choice: full(i), ties: [i] };
      },
    }));
  // What the walk did before: every choice checked, then a stable sort.
  const eager = base.map((_, i) => full(i)).sort((a, b) => a.cost - b.cost);
  return { lazy, eager, checks };
}

const rules = (c: PhraseChoice) => c.cost - (c.follow ?? 0);
const limitOf = (least: number) => least + 1.5;

describe("best-first ranking (the walk's run check put off until a choice could be picked)", () => {
  test("the first choice, the first six and the whole order are the full ranking's, with fewer checks run", () => {
    let checked = 0;
    let choices = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { lazy, eager, checks } = rankings(seed);
      expect(cheapest(lazy())).toEqual(eager[0]);
      expect(
        settleFirst(byCost(lazy()), 6)
          .slice(0, 6)
          .map((c) => c.choice),
      ).toEqual(eager.slice(0, 6));
      expect(settledChoices(byCost(lazy()))).toEqual(eager);
      checks.count = 0;
      settleFirst(byCost(lazy()), 1);
      checked += checks.count;
      choices += eager.length;
    }
    expect(checked).toBeLessThan(choices / 4);
  });

  test("the steering is offered the choices it was offered with every choice checked, in the same order", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { lazy, eager } = rankings(seed);
      const limit = limitOf(Math.min(...eager.map(rules)));
      const expected = eager.filter((c, i) => i === 0 || rules(c) <= limit).slice(0, 12);
      expect(admittedChoices(byCost(lazy()), rules, limitOf, 12)).toEqual(expected);
    }
  });

  test("the look-ahead's re-ranking of a partly checked ranking is the re-ranking of the full one", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { lazy, eager } = rankings(seed);
      const ahead = (i: number) => (i < 6 ? (i * 7) % 5 : 4);
      const costOf = (i: number, c: PhraseChoice) => c.cost + ahead(i) + (c.phrase % 3 === 0 ? 1000 : 0);
      const expected = eager.map((c, i) => ({ ...c, cost: costOf(i, c) })).sort((a, b) => a.cost - b.cost);
      const lazyRanked = settleFirst(byCost(lazy()), 6);
      expect(settledChoices(reranked(lazyRanked, Math.min(6, lazyRanked.length), costOf))).toEqual(expected);
    }
  });
});

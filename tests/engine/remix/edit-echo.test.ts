import { describe, expect, test } from "vitest";
import { planEdits } from "../../../engine/remix/edit-plan.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import { analysis, form, rate } from "./beat-grid-song.ts";

/**
 * A 120-beat song of one-second beats (10 samples a beat): an 8-beat intro, a body of 4-beat phrases, an 8-beat ending.
 * Made 12 s longer, the plan by need plays the 12 beats 80-91 again elsewhere (a repeat that short would be a loop).
 * Its joins sound best at beat 40 (out of beat 39 into 80, out of 91 back into 40), nearly as well at beat 48. But
 * beats 80-83 sound like 36-39: played at beat 40, the span's first 4 s are the 4 s just heard (trackballs'
 * tb_genesis: a 3.4 s loop), though the span as a whole is not like the song around its site.
 */

function songGraph(alike: (a: number, b: number) => boolean): JumpGraph {
  const cheap = new Map([
    ["39>80", 0.1],
    ["91>40", 0.1],
    ["47>80", 0.2],
    ["91>48", 0.2],
  ]);
  return {
    beatCount: 120,
    lastPlayable: 119,
    distance: (a: number, b: number) => (a === b || alike(a, b) || alike(b, a) ? 0.05 : 1),
    transitionCost: (from: number, to: number) => cheap.get(`${from}>${to}`) ?? 3,
    loudnessChange: () => 0,
    samePlaceInBar: (a: number, b: number) => a % 4 === b % 4,
  } as unknown as JumpGraph;
}

const echo = (a: number, b: number) => a >= 36 && a < 40 && b === a + 44;
const plan = (graph: JumpGraph) => planEdits(analysis, graph, form, { targetSamples: 132 * rate, crossfadeSamples: 0 });

describe("plan by need: a span played again does not start with the seconds just heard", () => {
  test("the span is played where its first seconds are new, not right after the same seconds", () => {
    const edits = plan(songGraph(echo))!.edits;
    expect(edits.map((e) => [e.kind, e.site, e.from, e.to])).toEqual([["insert", 48, 80, 92]]);
  });

  test("where the song itself plays those seconds again next, the join only carries the song's repeat on", () => {
    // Beats 40-43 sound like 36-39 too: after beat 39 the song repeats its last 4 s itself.
    const edits = plan(songGraph((a, b) => echo(a, b) || (a >= 36 && a < 40 && b === a + 4)))!.edits;
    expect(edits.map((e) => [e.kind, e.site, e.from, e.to])).toEqual([["insert", 40, 80, 92]]);
  });
});

import { NEAR_IDENTICAL_DISTANCE } from "../analysis/beat-vectors.ts";
import { ALIKE_SHARE } from "./join-echo.ts";
import type { JumpGraph } from "./jump-graph.ts";
import type { Phrase } from "./phrase.ts";

/**
 * For each phrase, the other phrases that sound the same: a song repeats itself (a chorus, a riff), and playing one
 * copy right after another is as much a back-to-back loop as playing one phrase twice. Alike: beat by beat from their
 * starts, at least ALIKE_SHARE of the shorter one's beats within NEAR_IDENTICAL_DISTANCE (the loop metric's reading
 * of "the same audio").
 */
export function soundAlikes(phrases: readonly Phrase[], graph: JumpGraph): number[][] {
  const alike = (a: Phrase, b: Phrase): boolean => {
    const beats = Math.min(a.end - a.start, b.end - b.start);
    let matching = 0;
    for (let k = 0; k < beats; k++) if (graph.distance(a.start + k, b.start + k) < NEAR_IDENTICAL_DISTANCE) matching++;
    return beats >= 2 && matching >= ALIKE_SHARE * beats;
  };
  return phrases.map((a, i) => phrases.flatMap((b, j) => (j !== i && alike(a, b) ? [j] : [])));
}

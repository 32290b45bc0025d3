import { MAX_REPEAT_SECONDS } from "../variety.ts";
import type { Phrase } from "./phrase.ts";

export interface SlotHistory {
  /**
   * Whether playing `phrase` next would repeat a run of `size` phrases already played in this order: the output
   * position where that run's last phrase started the last time, or undefined.
   */
  lastPlayed(phrase: number): number | undefined;
  /** `phrase` is played from output position `position`. */
  push(phrase: number, position: number): void;
  /** A copy to play on without touching this one (reads this one's runs, records its own). */
  fork(): SlotHistory;
}

/**
 * Phrases in the output so far (by start beat), and every run of `size` consecutive ones. A stretch of
 * MAX_REPEAT_SECONDS played twice in the same order would contain `size` consecutive phrases (its partial first
 * and last ones included) played twice in the same order; so keeping every such run unique rules it out.
 */
export function createSlotHistory(size: number): SlotHistory {
  return slotHistory(size, [], undefined);
}

/** A history whose runs not recorded here are looked up with `earlier` (the history it was forked from). */
function slotHistory(size: number, recent: number[], earlier?: (key: string) => number | undefined): SlotHistory {
  const seen = new Map<string, number>();
  const find = (key: string): number | undefined => seen.get(key) ?? earlier?.(key);
  const key = (last: number) => [...recent, last].join(",");
  return {
    lastPlayed: (phrase) => (recent.length >= size - 1 ? find(key(phrase)) : undefined),
    push(phrase, position) {
      if (recent.length >= size - 1) seen.set(key(phrase), position);
      recent.push(phrase);
      if (recent.length > size - 1) recent.shift();
    },
    fork: () => slotHistory(size, [...recent], find),
  };
}

/** Phrases per run that a repeated MAX_REPEAT_SECONDS stretch must contain (at least 2). */
export function gramSize(phrases: readonly Phrase[], at: (beat: number) => number, sampleRate: number): number {
  const longest = Math.max(1, ...phrases.map((p) => (at(p.end) - at(p.start)) / sampleRate));
  return Math.max(2, Math.ceil(MAX_REPEAT_SECONDS / longest));
}

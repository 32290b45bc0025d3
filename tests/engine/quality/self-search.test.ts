import { describe, expect, test } from "vitest";
import { concat } from "./parts.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { findAnchors } from "../../../engine/quality/anchors.ts";
import { scanBlocks } from "../../../engine/quality/blocks.ts";
import { feedAnchors, selfCopyFinder } from "../../../engine/quality/copies.ts";
import { anchorMatcher, type RunBounds } from "../../../engine/quality/copy-search.ts";
import { sampleSource, type SampleSource } from "../../../engine/quality/sample-source.ts";
import { finish } from "../../../engine/quality/steps.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22_050;

/** The longest stretch (samples) that copies an earlier part at least 1 s back, and the reads the search made. */
function longestRepeat(audio: PcmAudio): { longest: number; reads: number } {
  const whole = sampleSource(audio);
  const anchors = finish(findAnchors(whole, finish(scanBlocks(whole))));
  let reads = 0;
  const counted: SampleSource = {
    ...whole,
    span: (from, to) => {
      reads++;
      return whole.span(from, to);
    },
  };
  const search = selfCopyFinder(counted, { minOffsetSamples: rate });
  finish(feedAnchors(anchors, search));
  return { longest: search.done(), reads };
}

describe("the search of a result against itself", () => {
  test("reads about as much per second when a passage plays 16 times as when it plays 4 times", () => {
    // Each anchor was checked against every earlier play of its passage (up to 64): the work per second grew with
    // the length, 4.8 times from 4 to 16 plays here (a 3:30 song plays 17 times in 1 h, 51 times in 3 h).
    const song = synthesizeSong({ seconds: 10, sampleRate: rate, channels: 2, seed: 4 });
    const period = song.channels[0]!.length;
    const perSecond = [4, 16].map((plays) => {
      const { longest, reads } = longestRepeat(concat(...Array.from({ length: plays }, () => song)));
      // The result but its first play copies the whole result one play earlier.
      expect(longest).toBe((plays - 1) * period);
      return reads / (plays * 10);
    });
    expect(perSecond[1]! / perSecond[0]!).toBeLessThan(1.3);
  });

  test("does not join the plays of a passage whose anchors repeat over different material in between", () => {
    // The same clicks at the same places over two different noises too quiet to anchor: every anchor matches one
    // 10 s earlier, but the frames between them do not. Only the third part copies an earlier one (the first) whole.
    const first = clicks(1);
    const { longest } = longestRepeat(concat(first, clicks(3), first));
    expect(longest / rate).toBeGreaterThanOrEqual(10);
    expect(longest / rate).toBeLessThan(10.05);
  });

  test("finds the same runs when every anchor has the same hash (a hash only narrows the places to check)", () => {
    // Under 64 anchors in all, so no hash's list is cut either way; different frames must still tell runs apart.
    const audio = concat(clicks(1), clicks(3), clicks(1));
    const whole = sampleSource(audio);
    const anchors = finish(findAnchors(whole, finish(scanBlocks(whole))));
    expect(anchors.count).toBeLessThan(64);
    const runs = (hash: (k: number) => number) => {
      const found: RunBounds[] = [];
      const matcher = anchorMatcher(
        { source: whole, radius: anchors.radius },
        "self",
        {},
        (run) => found.push(run),
        true,
      );
      for (let k = 0; k < anchors.count; k++) matcher.add(anchors.position(k), hash(k));
      matcher.done();
      return found;
    };
    const byHash = runs((k) => anchors.hash(k));
    expect(byHash.length).toBeGreaterThan(2);
    expect(runs(() => 7)).toEqual(byHash);
  });
});

/**
 * Ten seconds of clicks of three shapes (the same shapes at the same places for any seed) over noise below the
 * anchors' floor.
 */
function clicks(seed: number): PcmAudio {
  let state = seed;
  const noise = () =>
    Float32Array.from({ length: 10 * rate }, () => {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return (state / 2 ** 32 - 0.5) * 4e-5;
    });
  const channels = [noise(), noise()];
  for (let at = 0, n = 0; at + 200 < 10 * rate; at += 12_000 + (at % 7) * 300, n++)
    for (const c of channels)
      for (let i = 0; i < 200; i++) c[at + i] = Math.sin(i / (7 + (n % 3))) * (1 - i / 200) * 0.8;
  return { sampleRate: rate, channels };
}

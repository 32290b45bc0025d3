import { describe, expect, it } from "vitest";
import type { BeatAnalysis } from "../../../engine/analysis/beats.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { recentLikeness } from "../../../engine/remix/follow.ts";
import type { JumpGraph } from "../../../engine/remix/jump-graph.ts";
import type { Phrase } from "../../../engine/remix/phrase.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const RATE = 22050;

/** 45 s in one key and sound, then 30 s in another: where the song was heading is the second part. */
function songThatChanges(): PcmAudio {
  const first = synthesizeSong({ seconds: 45, sampleRate: RATE, channels: 1, bpm: 120, key: 0, seed: 1 });
  const second = synthesizeSong({ seconds: 30, sampleRate: RATE, channels: 1, bpm: 120, key: 5, seed: 2 });
  const channel = new Float32Array(75 * RATE);
  channel.set(first.channels[0]!.subarray(0, 45 * RATE));
  channel.set(second.channels[0]!.subarray(0, 30 * RATE), 45 * RATE);
  return { sampleRate: RATE, channels: [channel] };
}

describe("continue form follows where the song was heading", () => {
  it("draws most of the first minute after the input from its last 30 s, more than before it followed the song", async () => {
    const song = songThatChanges();
    const result = await remixExtend(song, {
      targetSeconds: 165,
      fadeOutSeconds: 3,
      crossfadeSeconds: 0.02,
      form: "continue",
    });
    let recent = 0;
    let all = 0;
    for (const segment of result.segments) {
      const from = Math.max(75, segment.outputStart);
      const to = Math.min(135, segment.outputStart + segment.seconds);
      if (to <= from) continue;
      all += to - from;
      // The source of [from, to), and its part in the input's last 30 s.
      const sourceFrom = segment.sourceStart + (from - segment.outputStart);
      recent += Math.max(0, sourceFrom + (to - from) - Math.max(45, sourceFrom));
    }
    expect(all).toBeGreaterThan(55);
    // 0.53 when the planner counted the input's last 30 s as heard and had no pull toward them.
    expect(recent / all).toBeGreaterThan(0.58);
  });
});

/**
 * The analysis, jump graph and phrases of a song of `phrases` 8-beat phrases of one-second beats, ending at its last beat. Beats of the same kind measure
 * `within` apart, of different kinds `across`; `kind(beat)` says which.
 */
function fakeSong(
  phrases: number,
  kind: (beat: number) => number,
  within: number,
  across: number,
): readonly [BeatAnalysis, JumpGraph, Phrase[]] {
  const beats = phrases * 8;
  const analysis = {
    sampleRate: 1,
    length: beats,
    beats: Array.from({ length: beats }, (_, b) => b),
  } as unknown as BeatAnalysis;
  const graph = {
    firstPlayable: 0,
    lastPlayable: beats - 1,
    distance: (a: number, b: number) => (a === b ? 0 : kind(a) === kind(b) ? within : across),
  } as unknown as JumpGraph;
  const list: Phrase[] = Array.from({ length: phrases }, (_, p) => ({ start: 8 * p, end: 8 * p + 8 }));
  return [analysis, graph, list] as const;
}

describe("the pull toward the recent material is as strong as the song has moved on", () => {
  it("pulls away from old material in proportion to how unlike the new it is, not by its rank in the song", () => {
    // Ten phrases; the last four are new material, 0.5 apart among themselves. Old material a little unlike the new
    // (0.6) against old material very unlike it (1.1): ranked against the song's median phrase, both measured 1.
    const near = recentLikeness(...fakeSong(10, (b) => (b >= 48 ? 1 : 0), 0.5, 0.6));
    const far = recentLikeness(...fakeSong(10, (b) => (b >= 48 ? 1 : 0), 0.5, 1.1));
    expect(Math.max(...far.slice(6))).toBeLessThan(0.5);
    expect(Math.min(...far.slice(0, 6))).toBeGreaterThanOrEqual(3);
    expect(Math.min(...far.slice(0, 6))).toBeGreaterThanOrEqual(2 * Math.max(...near.slice(0, 6)));
  });
});

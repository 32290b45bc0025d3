import { describe, expect, it } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { clickSong } from "./signals.ts";

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

  it("spreads the continuation's time over the input's body: in the median song no 10 s of it plays 1.5x as long as another", async () => {
    const ratios: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const result = await remixExtend(clickSong({ seconds: 60, seed }), {
        targetSeconds: 180,
        fadeOutSeconds: 3,
        crossfadeSeconds: 0.02,
        form: "continue",
      });
      // Seconds of the continuation (60-177 s, before the fade) played from each 10 s of the body (20-60 s).
      const played = [0, 0, 0, 0];
      for (const segment of result.segments) {
        const from = Math.max(60, segment.outputStart);
        const to = Math.min(177, segment.outputStart + segment.seconds);
        for (let t = from; t < to; t += 0.05) {
          const source = segment.sourceStart + (t - segment.outputStart);
          if (source >= 20) played[Math.min(3, Math.floor((source - 20) / 10))]! += 0.05;
        }
      }
      ratios.push(Math.max(...played) / Math.min(...played));
    }
    ratios.sort((a, b) => a - b);
    // 2.0 before the walk kept each phrase near its share of the body (1.7-2.3 on all six songs but one).
    expect((ratios[2]! + ratios[3]!) / 2).toBeLessThan(1.5);
  });
});

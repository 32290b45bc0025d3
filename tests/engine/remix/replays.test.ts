import { describe, expect, test } from "vitest";
import { frameCount, type PcmAudio } from "../../../engine/audio/pcm.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { quickReplays, type Run } from "./quick-replays.ts";
import { clickSong } from "./signals.ts";

const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02 };

/** The clip with its first `quietSeconds` 10 dB down: joins between its loud end and the rest jump in loudness. */
function quietThenLoud(clip: PcmAudio, quietSeconds: number): PcmAudio {
  const quiet = Math.round(quietSeconds * clip.sampleRate);
  return { ...clip, channels: clip.channels.map((c) => c.map((v, i) => (i < quiet ? 0.316 * v : v))) };
}

describe("no quick replays", () => {
  test.each([
    [40, 150, 3],
    [60, 180, 8],
    [45, 200, 21],
  ])(
    "a %i s clip with no ending continued to %i s (song seed %i): no stretch of it heard again within 20 s, the input's own end included",
    async (seconds, target, seed) => {
      const clip: PcmAudio = clickSong({ seconds, seed });
      const result = await remixExtend(clip, { ...options, targetSeconds: target, seed: 1 });
      expect(result.form).toBe("continue");
      const length = frameCount(clip) / clip.sampleRate;
      // The output's runs of the input: the whole input first, then each run after a join.
      const runs: Run[] = [{ outputStart: 0, sourceStart: 0, seconds: length }, ...result.segments];
      expect(quickReplays(runs)).toEqual([]);
    },
  );

  test("a clip whose loud part is only its last 16 s: the engine leaves it rather than loop it", async () => {
    const clip = quietThenLoud(clickSong({ seconds: 48, seed: 3 }), 32);
    const result = await remixExtend(clip, { ...options, targetSeconds: 150, seed: 1 });
    const runs: Run[] = [{ outputStart: 0, sourceStart: 0, seconds: 48 }, ...result.segments];
    expect(quickReplays(runs)).toEqual([]);
  });
});

import { describe, expect, test } from "vitest";
import { frameCount, type PcmAudio } from "../../../engine/audio/pcm.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { quickReplays, type Run } from "./quick-replays.ts";
import { clickSong } from "./signals.ts";

describe("a walk that looks ahead", () => {
  // Short clips whose greedy walk used up every fresh order after a phrase and then had to play one again within
  // 20 s of its last start (measured before the look-ahead: one quick replay each).
  test.each([4, 5, 7])(
    "a 30 s clip (song seed %i) continued to 150 s: no dead end, so no stretch heard again within 20 s",
    async (seed) => {
      const clip: PcmAudio = clickSong({ seconds: 30, seed });
      const result = await remixExtend(clip, {
        fadeOutSeconds: 4,
        crossfadeSeconds: 0.02,
        targetSeconds: 150,
        seed: 1,
      });
      expect(result.form).toBe("continue");
      const length = frameCount(clip) / clip.sampleRate;
      const runs: Run[] = [{ outputStart: 0, sourceStart: 0, seconds: length }, ...result.segments];
      expect(quickReplays(runs)).toEqual([]);
      expect(result.notes.filter((n) => n.includes("back to back"))).toEqual([]);
    },
    60_000,
  );
});

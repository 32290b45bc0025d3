import { describe, expect, test } from "vitest";
import { encodeWav } from "../../../engine/audio/index.ts";
import { runExtensionJob } from "../../../engine/job.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

// The demo's old song (25 s, no ending of its own) to 60 s: the continue form closes with a 6 s fade, and one join
// falls 1.7 s into it. The report read the fade's own drop as that join's loudness change (-5.1 LU, "missed").
describe("a join inside the closing fade-out", () => {
  test("is not judged by the loudness the fade takes away; the joins before the fade still are", async () => {
    const song = synthesizeSong({ seconds: 25, sampleRate: 44_100, bpm: 112, key: 3, seed: 99 });
    const job = await runExtensionJob({
      bytes: encodeWav(song, 16),
      targetSeconds: 60,
      engine: "remix",
      picture: false,
    });
    const fadeStart = 60 - 6;
    const seams = job.report.quality!.seamList;
    const inFade = seams.filter((s) => s.atSeconds + 3 > fadeStart);
    const before = seams.filter((s) => s.atSeconds + 3 <= fadeStart);
    expect(inFade.length).toBeGreaterThan(0);
    expect(before.length).toBeGreaterThan(0);
    for (const seam of inFade) {
      expect(seam.loudnessChangeLu).toBeNull();
      expect(seam.missed).not.toContain("loudness");
    }
    for (const seam of before) expect(seam.loudnessChangeLu).not.toBeNull();
  }, 60_000);
});

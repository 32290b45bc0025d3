import { describe, expect, test } from "vitest";
import { extendAudio } from "../../../engine/extend/extend.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { checkTargets } from "../../../engine/quality/targets.ts";
import { clickSong } from "../remix/signals.ts";

describe("a result hardly longer than the song", () => {
  test("three seconds longer in song form (one bar-line edit, planned by need) still has its seams measured", async () => {
    const song = clickSong({ seconds: 60, seed: 12 });
    const result = await extendAudio(song, { targetSeconds: 63, engine: "remix", form: "song", fadeOutSeconds: 6 });
    expect(result.form, result.formReason).toBe("song");
    expect(result.seams.length).toBeGreaterThan(0);
    const report = await measureExtension({
      original: song,
      result: result.audio,
      seams: result.seams,
      introSeconds: result.introSeconds,
    });
    expect(report.seamCount).toBe(result.seams.length);
    expect(report.seamLoudnessChangeLu).not.toBeNull();
    expect(report.seamFluxZ).not.toBeNull();
    const seamLoudness = checkTargets(report, { inputHasEnding: true }).find((t) => t.key === "seamLoudnessChangeLu");
    expect(seamLoudness?.met).not.toBeNull();
  }, 60_000);
});

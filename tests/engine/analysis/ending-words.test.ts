import { describe, expect, it } from "vitest";
import { analyseBeats } from "../../../engine/analysis/beats.ts";
import { againstTypical, detectEnding } from "../../../engine/analysis/form.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

describe("the ending's level in words", () => {
  it("never says '-0 dB below typical': below, above, or at the typical level", () => {
    expect(againstTypical(-0.3)).toBe("at its typical level");
    expect(againstTypical(0.4)).toBe("at its typical level");
    expect(againstTypical(-2.6)).toBe("3 dB above typical");
    expect(againstTypical(4.4)).toBe("4 dB below typical");
  });

  it("a song cut off at full level says so without a minus sign, and says its typical level once", () => {
    const song = synthesizeSong({ seconds: 30, sampleRate: 22050, seed: 4 });
    const cut = { sampleRate: song.sampleRate, channels: song.channels.map((c) => c.subarray(0, 27 * 22050)) };
    const { hasEnding, endingReason } = detectEnding(analyseBeats(cut));
    expect(hasEnding).toBe(false);
    expect(endingReason).toMatch(
      /^its last second is still (\d+ dB (below|above) typical|at its typical level) when it stops: a clip or a loop$/,
    );
  });
});

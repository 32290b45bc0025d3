import { describe, expect, test } from "vitest";
import { measureExtenderResult } from "../../../engine/quality/evaluate.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22050;
const song = synthesizeSong({ seconds: 30, sampleRate: rate, channels: 1, seed: 3 });

/** The whole song, then the song again from `to` seconds (a hi-hat's attack at 4.25 s), as an engine reports it. */
function joinedAt(to: number) {
  const x = song.channels[0]!;
  const audio = new Float32Array(x.length * 2 - Math.round(to * rate));
  audio.set(x);
  audio.set(x.subarray(Math.round(to * rate)), x.length);
  return {
    audio: { sampleRate: rate, channels: [audio] },
    seams: [30],
    seamSources: [{ fromSeconds: 30, toSeconds: to }],
  };
}

describe("an extender's result measured as the evaluation scripts measure it", () => {
  test("reads where its seams join the input: a cut onto a beat's attack is as steep as the song's own, no click", async () => {
    const report = await measureExtenderResult(song, joinedAt(4.25));
    const [seam] = report.seamList;
    expect(seam?.stepRatio).toBeGreaterThan(8);
    expect(seam?.ownStep).toBeCloseTo(seam!.step, 6);
    expect(report.clicksAtSeams).toBe(0);
  }, 60_000);
});

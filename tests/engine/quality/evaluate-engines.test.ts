import { expect, test } from "vitest";
import { analysisSignal } from "../../../engine/analysis/signal.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { evaluateEngines } from "../../../engine/quality/evaluate.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

test("each engine is timed from scratch: no analysis made for the measurement or another engine is reused", async () => {
  const song = synthesizeSong({ seconds: 25, sampleRate: 22_050, channels: 1, seed: 8 });
  const seen: PcmAudio[] = [];
  const remix = async (input: PcmAudio, targetSeconds: number) => {
    seen.push(input);
    // Analyses are kept per audio object: a reader given an object already analysed would not pay for it.
    const before = seen.filter((other) => other === input).length;
    expect(before).toBe(1);
    expect(input.channels).toBe(song.channels);
    const result = await remixExtend(input, { targetSeconds, fadeOutSeconds: 3, crossfadeSeconds: 0.02 });
    // The whole result is a getter (rendered on first read from the stream): a spread alone would leave it out.
    return { engine: "remix", ...result, audio: result.audio };
  };
  await evaluateEngines(song, 40, { a: remix, b: remix });
  expect(seen).toHaveLength(2);
  expect(seen[0]).not.toBe(song);
  expect(seen[1]).not.toBe(seen[0]);
  expect(analysisSignal(seen[0]!)).not.toBe(analysisSignal(song));
});

import { expect, test } from "vitest";
import { startMeasureThread } from "../../../engine/quality/measure-thread.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

test("a stopped measuring thread rejects the measurement instead of leaving the job waiting", async () => {
  const song = synthesizeSong({ seconds: 20, sampleRate: 22050, channels: 1, seed: 1 });
  const thread = startMeasureThread(song);
  thread.stop();
  expect(thread.stopped).toBe(true);
  await expect(thread.measure({ result: song, seams: [] })).rejects.toThrow(/measuring thread/);
}, 60_000);

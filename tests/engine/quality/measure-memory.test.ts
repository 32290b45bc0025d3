import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, test } from "vitest";
import { extendAudio } from "../../../engine/extend/extend.ts";
import { PIECE_ANALYSIS_SAMPLES } from "../../../engine/quality/extension-frames.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

// A full collection before every sample, and array buffers freed by it at once (not by a background sweeper), so
// that a sample counts what the measurement holds, not garbage waiting to be swept.
setFlagsFromString("--expose-gc");
setFlagsFromString("--no-concurrent-array-buffer-sweeping");
const gc = runInNewContext("gc") as () => void;

/** MB the JS heap and the array buffers hold after a full collection. */
function liveMb(): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
}

/**
 * The most memory held while a streamed `minutes`-long result of `song` is measured, beyond what was held before the
 * measurement began, MB: sampled every half second (when the measurement lets the event loop turn) and at the end of
 * every stage. A stage timed again per chunk reports the same count each time; sampling those too took a full
 * collection every ~10 ms of work (2,451 of them, two thirds of the test's time); within a stage the timer samples.
 */
async function measuringPeakMb(song: ReturnType<typeof synthesizeSong>, minutes: number): Promise<number> {
  const result = await extendAudio(song, { targetSeconds: minutes * 60, engine: "remix", fadeOutSeconds: 6 });
  const before = liveMb();
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, liveMb() - before);
  };
  const timer = setInterval(sample, 500);
  let stagesDone = -1;
  const sampleAtStageEnd = (done: number) => {
    if (done !== stagesDone) sample();
    stagesDone = done;
  };
  try {
    const report = await measureExtension(
      {
        original: song,
        result: result.stream,
        seams: result.seams,
        seamSources: result.seamSources,
        introSeconds: result.introSeconds,
      },
      { onProgress: sampleAtStageEnd },
    );
    expect(report.resultSeconds).toBe(minutes * 60);
  } finally {
    clearInterval(timer);
  }
  return peak;
}

describe("the quality report's memory", () => {
  test("does not grow with the length of a streamed result: 40 minutes of a 30 s song hold what 10 minutes do", async () => {
    // 22.05 kHz mono keeps the runs short; what grew with the length grew per 20 ms block and per anchor, not per
    // sample: the one pass's three floats per block, the anchors and the copies of the result's own earlier passages
    // (main: +25.4 and +69.8 MB). Still held per join or per anchor, and so growing a little (runs here: 2-3 MB for
    // the 30 minutes more): the loudness means, the self-search's hash index.
    const song = synthesizeSong({ seconds: 30, sampleRate: 22_050, channels: 1, seed: 5 });
    const short = await measuringPeakMb(song, 10);
    const long = await measuringPeakMb(song, 40);
    // The frames the result does not copy from the input are computed a batch at a time from one piece of its mono
    // analysis samples, at most PIECE_ANALYSIS_SAMPLES long (16 MB): a fixed window, which the 10-minute result's few
    // joins may not fill and the 40-minute one's do. A sample taken while a batch is in flight holds it (seen once in
    // CI: +5.4 and +20.1 MB), so the bound allows that window on top of the 8 MB.
    const pieceMb = (PIECE_ANALYSIS_SAMPLES * Float32Array.BYTES_PER_ELEMENT) / 2 ** 20;
    expect(long - short, `10 min: +${short.toFixed(1)} MB, 40 min: +${long.toFixed(1)} MB`).toBeLessThan(8 + pieceMb);
  }, 600_000);
});

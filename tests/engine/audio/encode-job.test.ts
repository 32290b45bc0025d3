import { beforeAll, describe, expect, it } from "vitest";
import { decodeAudio } from "../../../engine/audio/index.ts";
import { encodeAudio } from "../../../engine/audio/encode/index.ts";
import { runExtensionJob, type JobPhase } from "../../../engine/job.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const RATE = 44100;
const TARGET = 50;
let mp3Song: Uint8Array;

beforeAll(async () => {
  const song = synthesizeSong({ seconds: 24, sampleRate: RATE, seed: 3 });
  mp3Song = await encodeAudio(song, "mp3");
});

function phaseLog(): {
  calls: Array<[JobPhase, number, number]>;
  onPhase: (p: JobPhase, d: number, t: number) => void;
} {
  const calls: Array<[JobPhase, number, number]> = [];
  return { calls, onPhase: (phase, done, total) => calls.push([phase, done, total]) };
}

describe("runExtensionJob's output format, analysis and phases", () => {
  it("an MP3 input gives an MP3 result of exactly the target length, and a WAV beside it", async () => {
    const log = phaseLog();
    const job = await runExtensionJob({ bytes: mp3Song, targetSeconds: TARGET, onPhase: log.onPhase });
    expect(job.report.outputFormat).toBe("mp3");
    const result = await decodeAudio(job.encoded);
    expect(result.format).toBe("mp3");
    expect(result.channels[0]!.length).toBe(TARGET * RATE);
    const wav = await decodeAudio(job.wav);
    expect(wav.format).toBe("wav");
    expect(wav.channels[0]!.length).toBe(TARGET * RATE);
    // The MP3 is far smaller than the float WAV.
    expect(job.encoded.length).toBeLessThan(job.wav.length / 4);
    // The analysis and the encoding report their progress, each up to the whole result.
    const last = (phase: JobPhase) => log.calls.filter(([p]) => p === phase).at(-1);
    expect(last("analyse")).toEqual(["analyse", TARGET, TARGET]);
    expect(last("encode")).toEqual(["encode", TARGET, TARGET]);
    expect(log.calls.filter(([p]) => p === "analyse").length).toBeGreaterThan(5);
    expect(job.report.quality).toBeDefined();
  });

  it("measure: false and picture: false run no analysis and draw nothing", async () => {
    const log = phaseLog();
    const job = await runExtensionJob({
      bytes: mp3Song,
      targetSeconds: TARGET,
      outputFormat: "ogg-opus",
      measure: false,
      picture: false,
      onPhase: log.onPhase,
    });
    expect(job.report.quality).toBeUndefined();
    expect(job.picture.length).toBe(0);
    expect(log.calls.some(([phase]) => phase === "analyse" || phase === "picture")).toBe(false);
    const result = await decodeAudio(job.encoded);
    expect(result.format).toBe("ogg-opus");
    expect(result.channels[0]!.length).toBe(TARGET * 48_000);
  });

  it("a chooser picks the format from the decoded input", async () => {
    const job = await runExtensionJob({
      bytes: mp3Song,
      targetSeconds: 30,
      measure: false,
      picture: false,
      outputFormat: (input) => (input.format === "mp3" ? "flac" : "wav16"),
    });
    expect(job.report.outputFormat).toBe("flac");
    expect((await decodeAudio(job.encoded)).channels[0]!.length).toBe(30 * RATE);
  });
});

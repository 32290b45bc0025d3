import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { analyseSignal } from "../../../engine/analysis/beats.ts";
import { decodeAudio } from "../../../engine/audio/decode.ts";
import { encodeAudio } from "../../../engine/audio/encode/index.ts";
import { inSharedMemory, startInputThread } from "../../../engine/analysis/input-thread.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

test("the thread finds the same beats and frame features the engine would find in its own thread", async () => {
  const song = synthesizeSong({ seconds: 30, sampleRate: 22050, channels: 2, seed: 5 });
  const thread = startInputThread();
  try {
    const there = await thread.analyse(song);
    const here = analyseSignal(song);
    expect(there.beats.beats).toEqual(here.beats.beats);
    expect(there.beats.method).toBe(here.beats.method);
    expect(Array.from(there.frames.mfcc)).toEqual(Array.from(here.frames.mfcc));
  } finally {
    thread.stop();
  }
}, 60_000);

test("when the thread is gone before it answers, the analysis is done here instead", async () => {
  const song = synthesizeSong({ seconds: 20, sampleRate: 22050, channels: 1, seed: 3 });
  const thread = startInputThread();
  thread.stop();
  const analysis = await thread.analyse(song);
  expect(analysis.beats.beats).toEqual(analyseSignal(song).beats.beats);
}, 60_000);

test("waiting for the analysis keeps the process alive until it comes", async () => {
  // Exit code 13 (a top-level await left unsettled) was what the neural engine with a WAV output died of: an answer
  // let go of the thread while the job still waited on it.
  const script = fileURLToPath(new URL("./fixtures/analyse-alone.ts", import.meta.url));
  const run = await promisify(execFile)(process.execPath, ["--import", "tsx", script], { timeout: 60_000 }).catch(
    (error: { code?: number; stderr?: string }) => ({ stdout: `exit ${error.code}: ${error.stderr ?? ""}` }),
  );
  expect(run.stdout.trim()).toBe(JSON.stringify({ beats: true }));
}, 90_000);

test("a decoded song is handed to the thread as it is (one copy in memory); audio held elsewhere is copied", async () => {
  const song = synthesizeSong({ seconds: 12, sampleRate: 44_100, channels: 2, seed: 2 });
  for (const format of ["mp3", "flac", "ogg-vorbis"] as const) {
    const decoded = await decodeAudio(await encodeAudio(song, format));
    const handed = inSharedMemory(decoded);
    for (const [c, channel] of decoded.channels.entries()) expect(handed.channels[c], format).toBe(channel);
  }
  const copied = inSharedMemory(song);
  expect(copied.channels[0]).not.toBe(song.channels[0]);
  expect(copied.channels[0]!.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(Array.from(copied.channels[1]!)).toEqual(Array.from(song.channels[1]!));
}, 60_000);

test("the input's analysis started on a decode's samples as they come is the analysis of the decoded song", async () => {
  const song = synthesizeSong({ seconds: 14, sampleRate: 44_100, channels: 2, seed: 6 });
  const other = synthesizeSong({ seconds: 9, sampleRate: 44_100, channels: 2, seed: 7 });
  const thread = startInputThread();
  try {
    const mono = synthesizeSong({ seconds: 8, sampleRate: 48_000, channels: 1, seed: 4 });
    for (const [format, input] of [
      ["mp3", song],
      ["ogg-vorbis", song],
      ["flac", song],
      ["mp3", mono],
    ] as const) {
      const bytes = await encodeAudio(input, format);
      const reports: number[] = [];
      const feed = thread.feeder();
      const decoded = inSharedMemory(
        await decodeAudio(bytes, {
          onSamples: (part) => {
            reports.push(part.channels[0]!.length);
            feed(part);
          },
        }),
      );
      // The decode's own result is the same with or without reports (its samples clamped as they come).
      const plain = await decodeAudio(bytes);
      expect(
        decoded.channels.map((c) => Array.from(c)),
        format,
      ).toEqual(plain.channels.map((c) => Array.from(c)));
      expect(reports.length > 3, format).toBe(format !== "flac");
      const there = await thread.analyse(decoded);
      const here = analyseSignal(plain);
      expect(there.beats.beats, format).toEqual(here.beats.beats);
      expect(Array.from(there.frames.mfcc), format).toEqual(Array.from(here.frames.mfcc));
      expect(Array.from(there.signal.samples), format).toEqual(Array.from(here.signal.samples));
    }
    // Samples fed from one song, then another song to analyse: the other is analysed whole.
    const feed = thread.feeder();
    await decodeAudio(await encodeAudio(song, "mp3"), { onSamples: feed });
    const there = await thread.analyse(other);
    expect(Array.from(there.frames.chroma)).toEqual(Array.from(analyseSignal(other).frames.chroma));
  } finally {
    thread.stop();
  }
}, 120_000);

import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheAudio, readCachedSamples } from "../../../engine/training/cache.ts";
import { listAudioFiles, readSplitFile, splitFiles } from "../../../engine/training/dataset.ts";
import { slidingWindows, windowBatches } from "../../../engine/training/windows.ts";
import type { ModelConfig } from "../../../engine/model/config.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-data-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config: ModelConfig = {
  sampleRate: 10,
  encoderSteps: 20,
  decoderSteps: 10,
  hiddenUnits: [4],
  relationAlpha: 0.4,
  hiddenAlpha: 0.3,
  shareWeights: true,
};

describe("listAudioFiles", () => {
  it("finds wav/mp3/ogg/opus/flac recursively, through symbolic links, sorted, and nothing else", async () => {
    await mkdir(path.join(dir, "album", "disc2"), { recursive: true });
    for (const f of ["b.mp3", "a.WAV", "album/c.ogg", "album/disc2/d.flac", "album/e.opus", "notes.txt", "cover.jpg"]) {
      await writeFile(path.join(dir, f), "x");
    }
    await symlink(path.join(dir, "b.mp3"), path.join(dir, "link.mp3"));
    await symlink(path.join(dir, "missing.ogg"), path.join(dir, "dangling.ogg"));
    expect(await listAudioFiles(dir)).toEqual([
      "a.WAV",
      "album/c.ogg",
      "album/disc2/d.flac",
      "album/e.opus",
      "b.mp3",
      "link.mp3",
    ]);
  });

  it("says in words why a folder cannot be read, without the system's error code", async () => {
    await expect(listAudioFiles(path.join(dir, "nowhere"))).rejects.toThrow(/: no such folder$/);
    await writeFile(path.join(dir, "a-file"), "x");
    const error = await listAudioFiles(path.join(dir, "a-file")).catch((e: Error) => e);
    expect(String(error)).toMatch(/it is a file, not a folder/);
    expect(String(error)).not.toMatch(/\bE[A-Z]{3,}\b/);
  });
});

describe("splitFiles", () => {
  const files = Array.from({ length: 41 }, (_, i) => `track-${String(i).padStart(2, "0")}.ogg`);

  it("holds out 20 % of files for test, then 20 % of the rest for validation, by file", () => {
    const split = splitFiles(files);
    expect(split.test).toHaveLength(9); // ceil(0.2 * 41)
    expect(split.validation).toHaveLength(7); // ceil(0.2 * 32)
    expect(split.train).toHaveLength(25);
    const all = [...split.train, ...split.validation, ...split.test];
    expect(new Set(all).size).toBe(41);
    expect(all.sort()).toEqual(files);
  });

  it("is deterministic whatever the input order, and changes with the seed", () => {
    const a = splitFiles(files);
    expect(splitFiles([...files].reverse())).toEqual(a);
    expect(splitFiles(files, { seed: 7 })).not.toEqual(a);
    expect(splitFiles(files, { testFraction: 0.5 }).test).toHaveLength(21);
  });

  it("refuses a folder too small to leave a training file", () => {
    // The way out it names is one the CLI has (--split), not the API's fractions.
    expect(() => splitFiles(["one.wav", "two.wav"])).toThrow(
      /^2 audio files leave none for training after holding out 1 for test and 1 for validation; at least 3 are needed, or a split of your own \(--split FILE/,
    );
  });

  it("reads an explicit split file", async () => {
    const file = path.join(dir, "split.json");
    await writeFile(file, JSON.stringify({ train: ["a.ogg", "b.ogg"], validation: ["c.ogg"], test: ["d.ogg"] }));
    expect(await readSplitFile(file)).toEqual({ train: ["a.ogg", "b.ogg"], validation: ["c.ogg"], test: ["d.ogg"] });
    await writeFile(file, JSON.stringify({ train: [] }));
    await expect(readSplitFile(file)).rejects.toThrow(/split file/);
  });
});

describe("decode cache and windows", () => {
  it("decodes a file once and serves windows from the float32 cache", async () => {
    const source = path.join(dir, "song.wav");
    await writeFile(source, "x");
    let decodes = 0;
    const load = async (_file: string, rate: number) => {
      decodes += 1;
      return Float32Array.from({ length: 45 * rate }, (_, i) => (i % rate) / rate);
    };
    const cacheDir = path.join(dir, "cache");
    const first = await cacheAudio(source, 10, cacheDir, load);
    const again = await cacheAudio(source, 10, cacheDir, load);
    expect(decodes).toBe(1);
    expect(again).toEqual(first);
    expect(first.samples).toBe(450);
    expect(Array.from(await readCachedSamples(first, 13, 3))).toEqual([0.3, 0.4, 0.5].map(Math.fround));

    // 45 s with 30 s windows every 5 s: starts at 0, 5, 10, 15 s
    const windows = slidingWindows([first], config, 5);
    expect(windows.map((w) => w.start / 10)).toEqual([0, 5, 10, 15]);

    const batches = [];
    for await (const batch of windowBatches(windows, config, 3)) batches.push(batch);
    expect(batches.map((b) => b.size)).toEqual([3, 1]);
    expect(batches[0]!.x).toHaveLength(3 * 20 * 10);
    expect(batches[0]!.y).toHaveLength(3 * 10 * 10);
    // normalised: each window's context at -20 dBFS RMS
    const context = batches[1]!.x;
    const rms = Math.sqrt(context.reduce((s, v) => s + v * v, 0) / context.length);
    expect(rms).toBeCloseTo(0.1, 5);
  });
});

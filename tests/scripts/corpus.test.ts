import { copyFile, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cachePath, decodeCached, DEFAULT_SPLIT_FILE, loadCorpusSplit } from "../../scripts/corpus.ts";
import { dominantFrequency, FIXTURES } from "../engine/audio/signals.ts";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "harmonizer-corpus-"));
  dirs.push(dir);
  return dir;
}

interface SplitJson {
  train: string[];
  validation: string[];
  test: string[];
  short: Array<{ file: string; seconds: number; reason: string }>;
  rejects: Array<{ file: string; seconds: number; reason: string }>;
  seconds: Record<string, number>;
}

describe("the committed corpus split", () => {
  it("puts each of the 41 tracks in exactly one list, about 60/20/20 of the long ones, refusing the short stingers", async () => {
    const split = JSON.parse(await readFile(DEFAULT_SPLIT_FILE, "utf8")) as SplitJson;
    const listed = [
      ...split.train,
      ...split.validation,
      ...split.test,
      ...split.short.map((note) => note.file),
      ...split.rejects.map((note) => note.file),
    ];
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.sort()).toEqual(Object.keys(split.seconds).sort());
    expect(listed).toHaveLength(41);

    const long = [...split.train, ...split.validation, ...split.test];
    expect(long.every((file) => split.seconds[file]! >= 60)).toBe(true);
    expect(split.train.length / long.length).toBeCloseTo(0.6, 1);
    expect(split.validation.length / long.length).toBeCloseTo(0.2, 1);
    expect(split.test.length / long.length).toBeCloseTo(0.2, 1);
    expect(split.rejects.map((note) => note.file)).toContain("silence.ogg");
    expect(split.rejects.every((note) => note.seconds < 20 && note.reason.length > 0)).toBe(true);
  });

  it("resolves to absolute paths in the corpus folder when every file is there", async () => {
    const corpus = await tempDir();
    const split = JSON.parse(await readFile(DEFAULT_SPLIT_FILE, "utf8")) as SplitJson;
    await mkdir(join(corpus, "music"));
    await Promise.all(Object.keys(split.seconds).map((file) => writeFile(join(corpus, "music", file), "")));

    const loaded = await loadCorpusSplit(corpus);

    expect(loaded.train).toHaveLength(split.train.length);
    expect(loaded.test[0]).toBe(join(corpus, "music", split.test[0]!));
    expect(loaded.rejects).toContain(join(corpus, "music", "silence.ogg"));
  });
});

describe("loadCorpusSplit", () => {
  async function corpusWith(files: string[], split: object): Promise<{ corpus: string; splitFile: string }> {
    const corpus = await tempDir();
    await mkdir(join(corpus, "music"));
    for (const file of files) await copyFile(join(FIXTURES, "sine440-stereo-44k1.ogg"), join(corpus, "music", file));
    const splitFile = join(corpus, "split.json");
    await writeFile(splitFile, JSON.stringify({ musicDir: "music", short: [], rejects: [], ...split }));
    return { corpus, splitFile };
  }

  it("says how to fetch the corpus when it is absent", async () => {
    const empty = await tempDir();
    await expect(loadCorpusSplit(empty)).rejects.toThrow(/run scripts\/fetch-corpus\.sh/);
  });

  it("names the files that are missing", async () => {
    const { corpus, splitFile } = await corpusWith(["a.ogg"], { train: ["a.ogg"], validation: ["b.ogg"], test: [] });
    await expect(loadCorpusSplit(corpus, splitFile)).rejects.toThrow(/lacks 1 file\(s\): b\.ogg/);
  });

  it("refuses a split that puts one file in two lists", async () => {
    const { corpus, splitFile } = await corpusWith(["a.ogg"], { train: ["a.ogg"], validation: [], test: ["a.ogg"] });
    await expect(loadCorpusSplit(corpus, splitFile)).rejects.toThrow(/a\.ogg in more than one place/);
  });
});

describe("decodeCached", () => {
  it("decodes, downmixes and resamples once, then reads the float32 cache", async () => {
    const dir = await tempDir();
    const track = join(dir, "tone.ogg");
    await copyFile(join(FIXTURES, "sine440-stereo-44k1.ogg"), track);

    const first = await decodeCached(track, 22050);

    expect(first).toHaveLength(44100); // 2 s at 22.05 kHz
    expect(dominantFrequency(first, 22050, 1000)).toBeCloseTo(440, 0);
    const cacheFile = cachePath(track, 22050);
    expect(cacheFile).toBe(join(dir, ".cache", "tone.ogg.22050hz.mono.f32"));
    expect((await stat(cacheFile)).size).toBe(44100 * 4);

    // Prove the second call reads the cache: plant known samples in it.
    await writeFile(cacheFile, new Uint8Array(Float32Array.from([0.25, -0.5]).buffer));
    expect([...(await decodeCached(track, 22050))]).toEqual([0.25, -0.5]);
  });

  it("keys the cache by rate and decodes again when the audio file is newer than its cache", async () => {
    const dir = await tempDir();
    const track = join(dir, "tone.ogg");
    await copyFile(join(FIXTURES, "sine440-stereo-44k1.ogg"), track);
    const cacheDir = join(dir, "elsewhere");

    expect(await decodeCached(track, 16000, { cacheDir })).toHaveLength(32000);
    expect(await decodeCached(track, 8000, { cacheDir })).toHaveLength(16000);

    const cacheFile = cachePath(track, 8000, { cacheDir });
    await writeFile(cacheFile, new Uint8Array(Float32Array.from([0.25]).buffer));
    const later = new Date(Date.now() + 60_000);
    await utimes(track, later, later);
    expect(await decodeCached(track, 8000, { cacheDir })).toHaveLength(16000);
  });
});

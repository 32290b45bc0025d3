import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import { runHarmonizer } from "../support/cli.ts";

const harmonizer = (...args: string[]) => runHarmonizer(args);
const SHIPPED_CONDUCTOR = join(import.meta.dirname, "../../models/conductor");

let dir: string;
let data: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-missing-"));
  data = join(dir, "songs");
  await mkdir(data);
  for (let i = 0; i < 3; i++) {
    const song = synthesizeSong({
      seconds: 30,
      sampleRate: 8000,
      channels: 1,
      bpm: 100 + 10 * i,
      key: i,
      seed: 60 + i,
    });
    await writeFile(join(data, `s${i}.wav`), encodeWav(song, 16));
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A refusal as every subcommand gives it: exit 2, one line naming the path in words, no code, no stack trace. */
function expectRefusalNaming(run: { code: number; stderr: string }, path: string, words: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(path);
  expect(run.stderr).toMatch(words);
  expect(run.stderr).not.toMatch(/ENOENT|EISDIR|unexpected error|\n\s+at /);
}

describe("a missing input path, in every subcommand", () => {
  it("is refused with exit 2 and a message naming the path, as extend refuses a missing song", async () => {
    const song = join(dir, "no-such-song.wav");
    const folder = join(dir, "no-such-folder");
    const model = join(dir, "no-such-model.h5");
    const runs = [
      { path: song, run: await harmonizer("extend", song, "--to", "60", "-o", join(dir, "out.wav")) },
      { path: folder, run: await harmonizer("extend", `${folder}/`, "--to", "60", "-o", join(dir, "out")) },
      { path: song, run: await harmonizer("loop-points", song) },
      { path: model, run: await harmonizer("import-keras", model, "--out", join(dir, "imported")) },
      { path: folder, run: await harmonizer("train", "--data", folder, "--out", join(dir, "model")) },
      { path: folder, run: await harmonizer("evaluate", "--data", folder, "--model", SHIPPED_CONDUCTOR) },
    ];
    for (const { path, run } of runs) expectRefusalNaming(run, path, /: no such (file or )?folder/);
  });

  it("train refuses a missing --data folder or --split file before loading the TensorFlow.js backend", async () => {
    const folder = join(dir, "no-such-folder");
    const missing = await harmonizer("train", "--data", folder, "--out", join(dir, "model"));
    expectRefusalNaming(missing, folder, /cannot read the training data folder .*: no such folder/);
    expect(missing.stderr).not.toMatch(/backend:/);
    const split = join(dir, "no-such-split.json");
    const noSplit = await harmonizer("train", "--data", data, "--split", split, "--out", join(dir, "model"));
    expectRefusalNaming(noSplit, split, /cannot use split file .*: no such file or folder$/m);
    expect(noSplit.stderr).not.toMatch(/backend:/);
  });

  it("loop-points and import-keras refuse a folder where they need a file, in words (exit 2)", async () => {
    expectRefusalNaming(await harmonizer("loop-points", data), data, /cannot read .*: it is a folder, not a file/);
    const imported = await harmonizer("import-keras", data, "--out", join(dir, "imported"));
    expectRefusalNaming(imported, data, /is a folder without model\.json; give the Keras \.h5 file/);
  });
});

describe("a file of the training data that is not audio", () => {
  it.each(["small", "conductor"])("is named when train (--preset %s) cannot decode it (exit 2)", async (preset) => {
    const folder = join(dir, `with-notes-${preset}`);
    await mkdir(folder);
    const song = synthesizeSong({ seconds: 30, sampleRate: 8000, channels: 1, seed: 70 });
    await writeFile(join(folder, "a.wav"), encodeWav(song, 16));
    await writeFile(join(folder, "notes.wav"), "my notes, not a song");
    const split = join(folder, "split.json");
    await writeFile(split, JSON.stringify({ train: ["a.wav", "notes.wav"], validation: [], test: [] }));
    const run = await harmonizer(
      "train",
      "--data",
      folder,
      "--split",
      split,
      "--preset",
      preset,
      "--out",
      join(folder, "m"),
    );
    expectRefusalNaming(run, join(folder, "notes.wav"), /notes\.wav: not an audio file/);
  });
});

describe("harmonizer evaluate on a folder of songs", () => {
  it("--files all says it scored all the folder's files", async () => {
    const run = await harmonizer("evaluate", "--data", data, "--model", SHIPPED_CONDUCTOR, "--files", "all");
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toMatch(/^conductor .* on \w+, all 3 files of the data folder \(split: /);
  });

  it("--engine leaves out, saying why, a song extend would refuse; --files all needs no split of 3 songs or more", async () => {
    const pair = join(dir, "pair");
    await mkdir(pair);
    const song = synthesizeSong({ seconds: 30, sampleRate: 8000, channels: 1, seed: 90 });
    await writeFile(join(pair, "song.wav"), encodeWav(song, 16));
    const clip = synthesizeSong({ seconds: 2, sampleRate: 8000, channels: 1, seed: 91 });
    await writeFile(join(pair, "clip.wav"), encodeWav(clip, 16));
    const args = ["evaluate", "--data", pair, "--engine", "remix", "--files", "all", "--min-seconds", "40"];
    const run = await harmonizer(...args);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^clip\.wav: left out \(input is 2\.0 s long; at least 20\.0 s is needed\)$/m);
    const json = JSON.parse((await harmonizer(...args, "--json")).stdout);
    expect(json.files).toEqual(["song.wav"]);
    expect(json.skipped).toEqual([{ file: "clip.wav", reason: expect.stringMatching(/2\.0 s long/) }]);
    expect(new Set(json.runs.map((r: { file: string }) => r.file))).toEqual(new Set(["song.wav"]));
  });

  it("refuses a split naming songs the folder lacks before any work, saying how to score the folder (exit 2)", async () => {
    // The shipped conductor's training report names corpus songs: none of them is in this folder.
    const run = await harmonizer("evaluate", "--data", data, "--model", SHIPPED_CONDUCTOR);
    expectRefusalNaming(
      run,
      data,
      /test files of the split .* are not in .*; give the folder .*, --files all, or --split/,
    );
  });
});

import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHarmonizer } from "../support/cli.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

const harmonizer = (...args: string[]) => runHarmonizer(args);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-cli-conductor-"));
  await mkdir(join(dir, "data"));
  for (let n = 0; n < 4; n++) {
    const song = synthesizeSong({ seconds: 36, sampleRate: 22_050, channels: 1, seed: 30 + n });
    await writeFile(join(dir, "data", `song-${n}.wav`), encodeWav(song, 16));
  }
  await writeFile(
    join(dir, "split.json"),
    JSON.stringify({ train: ["song-0.wav", "song-1.wav"], validation: ["song-2.wav"], test: ["song-3.wav"] }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("harmonizer info --preset conductor", () => {
  it("reports the conductor's parameter count and kind as JSON", async () => {
    const { code, stdout } = await harmonizer("info", "--preset", "conductor", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ parameters: 9_042, kind: "conductor" });
  });
});

describe("harmonizer train --preset conductor, then evaluate and info --model", () => {
  it("trains a conductor, scores it beside the three baselines on the split's test file, and describes it", async () => {
    const model = join(dir, "conductor");
    const common = ["--data", join(dir, "data"), "--cache", join(dir, "cache"), "--backend", "cpu"];
    const trained = await harmonizer(
      "train",
      "--preset",
      "conductor",
      ...common,
      "--split",
      join(dir, "split.json"),
      "--out",
      model,
      "--epochs",
      "2",
      "--json",
    );
    expect(trained.code, trained.stderr).toBe(0);
    const report = JSON.parse(trained.stdout);
    expect(report).toMatchObject({ kind: "conductor", preset: "conductor", parameters: 9_042 });
    expect(report.history).toHaveLength(2);
    expect(report.hyperparameters).toMatchObject({ batchSize: 64, hopSeconds: 2, learningRate: 0.003 }); // the conductor's defaults
    expect(JSON.parse(await readFile(join(model, "harmonizer.json"), "utf8")).config.input).toBe("features");

    const table = await harmonizer("evaluate", "--model", model, ...common);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/1 test file \(split: .*training-report\.json\)/);
    for (const row of ["conductor", "repeat the last second", "mean of the last 20 s", "mean of the input so far"]) {
      expect(table.stdout).toContain(row);
    }
    expect(table.stdout).toContain("song-3.wav");

    const json = JSON.parse((await harmonizer("evaluate", "--model", model, ...common, "--json")).stdout);
    expect(json).toMatchObject({ kind: "conductor", windows: 7, scored: "test" }); // 36 s: 36 - 30 + 1 windows at hop 1
    expect(Object.keys(json.mean)).toEqual(["conductor", "repeatLast", "contextMean", "songMean"]);

    const info = JSON.parse((await harmonizer("info", "--model", model, "--json")).stdout);
    expect(info).toMatchObject({ kind: "conductor", parameters: 9_042, training: { epochs: expect.any(Number) } });
  });

  it("refuses --resume for the conductor", async () => {
    const result = await harmonizer(
      "train",
      "--preset",
      "conductor",
      "--data",
      join(dir, "data"),
      "--out",
      join(dir, "x"),
      "--resume",
      "--backend",
      "cpu",
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--resume is not supported/);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import { runHarmonizer } from "../support/cli.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-train-summary-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("harmonizer train's summary", () => {
  it("counts in words a reader expects: 1 epoch, not 1 epochs", async () => {
    const data = join(dir, "songs");
    await mkdir(data);
    for (let i = 0; i < 3; i++) {
      const song = synthesizeSong({ seconds: 30, sampleRate: 8000, channels: 1, bpm: 100 + 8 * i, seed: 80 + i });
      await writeFile(join(data, `s${i}.wav`), encodeWav(song, 16));
    }
    const run = await runHarmonizer([
      "train",
      "--data",
      data,
      "--preset",
      "conductor",
      "--epochs",
      "1",
      "--out",
      join(dir, "m"),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/training windows?, 1 epoch in [\d.]+ s$/m);
  });
});

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { saveModel } from "../../engine/model/io.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import { growingModel } from "../engine/extend/growing-model.ts";
import { runHarmonizer } from "../support/cli.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-cli-neural-guard-"));
  const { model, meta } = growingModel(1.5);
  await saveModel(model, join(dir, "model"), meta);
  await writeFile(join(dir, "song.wav"), encodeWav(synthesizeSong({ seconds: 25, sampleRate: 22050, seed: 5 }), 16));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("harmonizer extend --engine neural with a model that diverges", () => {
  it("stops the chain, finishes with the planner, and says so on the terminal and in the report", async () => {
    const output = join(dir, "out.wav");
    const args = ["extend", join(dir, "song.wav"), "--to", "60", "-o", output, "--engine", "neural"];
    const run = await runHarmonizer([...args, "--model", join(dir, "model"), "--no-progress"]);
    expect(run.code).toBe(0);
    const stop =
      /the neural chain stopped at prediction 2 \(0:3\d\): its prediction is \d+\.\d dB louder than the song/;
    expect(run.stderr).toMatch(new RegExp(`note: ${stop.source}`));
    const report = JSON.parse(await readFile(join(dir, "out.report.json"), "utf8")) as { notes: string[] };
    expect(report.notes.join("\n")).toMatch(stop);
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

// The model loads while the input decodes: which problem the user hears about must not depend on that.
describe("a job with both a bad input and a bad model", () => {
  let brokenModel: string;
  beforeAll(async () => {
    brokenModel = await mkdtemp(join(tmpdir(), "harmonizer-broken-model-"));
    await writeFile(join(brokenModel, "model.json"), "{ not json");
  });
  afterAll(() => rm(brokenModel, { recursive: true, force: true }));

  test("reports the input's problem first, and the model's once the input is good", async () => {
    const job = { targetSeconds: 60, engine: "conductor" as const, modelDir: brokenModel, picture: false };
    await expect(runExtensionJob({ ...job, bytes: new TextEncoder().encode("not audio at all") })).rejects.toThrow(
      /format|recognis|audio/i,
    );
    const song = encodeWav(synthesizeSong({ seconds: 25, sampleRate: 22_050, channels: 1, seed: 2 }), 16);
    await expect(runExtensionJob({ ...job, bytes: song, measure: false })).rejects.toThrow(/model/i);
  });
});

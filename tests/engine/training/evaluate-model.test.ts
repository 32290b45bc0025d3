import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chooseSplit, scoreModel } from "../../../engine/training/evaluate-model.ts";
import { placeholderFiles } from "./synthetic.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-score-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A model folder holding only the training report, with the split training recorded. */
async function modelWithSplit(split: { train: string[]; validation: string[]; test: string[] }): Promise<string> {
  const model = path.join(dir, "model");
  await mkdir(model, { recursive: true });
  await writeFile(path.join(model, "training-report.json"), JSON.stringify({ data: { files: split } }));
  return model;
}

describe("the files a model is scored on", () => {
  it("come from the split in the model's training report, else the seeded split", async () => {
    const data = path.join(dir, "data");
    const names = await placeholderFiles(data, 5);
    const split = { train: names.slice(0, 3), validation: [names[3]!], test: [names[4]!] };
    const model = await modelWithSplit(split);
    expect(await chooseSplit({ modelDir: model, dataDir: data })).toEqual({
      split,
      source: path.join(model, "training-report.json"),
    });
    const seeded = await chooseSplit({ modelDir: path.join(dir, "none"), dataDir: data });
    expect(seeded.source).toBe("seeded");
    expect(seeded.split.test).toHaveLength(1);
  });

  it("refuses an empty choice as NOT_AUDIO, naming the files, the folder and the split (not TOO_SHORT)", async () => {
    const data = path.join(dir, "data");
    const names = await placeholderFiles(data, 3);
    const model = await modelWithSplit({ train: names.slice(0, 2), validation: [names[2]!], test: [] });
    const scoring = scoreModel({ modelDir: model, dataDir: data, files: "test", backend: "cpu" });
    await expect(scoring).rejects.toMatchObject({
      code: "NOT_AUDIO",
      message: `no test files to evaluate in ${data} (split: ${path.join(model, "training-report.json")})`,
    });
  });
});

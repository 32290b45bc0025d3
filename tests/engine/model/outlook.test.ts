import * as tf from "@tensorflow/tfjs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FEATURE_SIZE } from "../../../engine/analysis/second-frames.ts";
import { selectBackend } from "../../../engine/model/backend.ts";
import { loadConductor, OUTLOOK_DIR } from "../../../engine/model/conductor.ts";
import { OUTLOOK_WINDOWS, summaryOf } from "../../../engine/model/outlook-input.ts";
import {
  buildOutlookModel,
  createOutlook,
  loadOutlook,
  OUTLOOK_META_JSON,
  outlookMeta,
  saveOutlook,
} from "../../../engine/model/outlook.ts";
import { SHIPPED_CONDUCTOR_DIR, SHIPPED_OUTLOOK_DIR } from "../../../engine/model/shipped.ts";
import type { Standardisation } from "../../../engine/model/standardise.ts";
import { fitOutlook } from "../../../engine/training/outlook-train.ts";

/** `seconds` raw frames: a slow drift per dimension around typical raw values. */
const rawFrames = (seconds: number, phase = 0): Float32Array[] =>
  Array.from({ length: seconds }, (_, t) =>
    Float32Array.from({ length: FEATURE_SIZE }, (_, d) => -20 + d + Math.sin(t / 7 + d + phase)),
  );
const standardisation: Standardisation = {
  mean: Array.from({ length: FEATURE_SIZE }, (_, d) => -20 + d),
  std: Array.from({ length: FEATURE_SIZE }, () => 0.7),
};

let dir: string;
beforeAll(async () => {
  await selectBackend("cpu");
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-outlook-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the outlook", () => {
  it("reads the summaries of the last 10, 20, 45 s and the song so far, and predicts one summary", () => {
    const model = buildOutlookModel(FEATURE_SIZE);
    expect(model.inputs[0]!.shape).toEqual([null, OUTLOOK_WINDOWS.length, 2 * FEATURE_SIZE]);
    expect(model.outputs[0]!.shape).toEqual([null, 2 * FEATURE_SIZE]);
    expect(model.countParams()).toBe(1_836);
    model.dispose();
  });

  it("is shipped in models/outlook, and predicts a mean and a non-negative deviation for every feature", async () => {
    const outlook = await loadOutlook(SHIPPED_OUTLOOK_DIR);
    const before = tf.memory().numTensors;
    const { mean, std } = await outlook.predict(rawFrames(60));
    expect(tf.memory().numTensors).toBe(before);
    expect(mean).toHaveLength(FEATURE_SIZE);
    expect(std).toHaveLength(FEATURE_SIZE);
    expect([...mean, ...std].every(Number.isFinite)).toBe(true);
    expect(Math.min(...std)).toBeGreaterThanOrEqual(0);
  });

  it("is loaded with a conductor whose folder holds it in outlook/, and the shipped conductor's does not", async () => {
    await cp(SHIPPED_CONDUCTOR_DIR, dir, { recursive: true });
    await cp(SHIPPED_OUTLOOK_DIR, path.join(dir, OUTLOOK_DIR), { recursive: true });
    expect((await loadConductor(dir, "cpu")).outlook).toBeDefined();
    expect((await loadConductor(SHIPPED_CONDUCTOR_DIR, "cpu")).outlook).toBeUndefined();
  });

  it("is a blend of what it reads: a song that never changes is predicted to stay as it is", async () => {
    const model = buildOutlookModel(FEATURE_SIZE);
    const steady = Array.from({ length: 60 }, () => Float32Array.from(standardisation.mean, (m) => m + 0.35));
    const { mean, std } = await createOutlook(model, standardisation).predict(steady);
    for (let d = 0; d < FEATURE_SIZE; d++) {
      expect(mean[d]).toBeCloseTo(0.5, 5);
      expect(std[d]).toBeCloseTo(0, 5);
    }
    model.dispose();
  });

  it("saves and loads with the same predictions", async () => {
    const fit = await fitOutlook([{ name: "a", frames: rawFrames(150) }], [{ name: "b", frames: rawFrames(100, 1) }], {
      epochs: 2,
    });
    expect(fit.bestEpoch).toBeGreaterThanOrEqual(1);
    await saveOutlook(fit.model, dir, outlookMeta(fit.standardisation));
    const input = rawFrames(70, 2);
    const expected = await createOutlook(fit.model, fit.standardisation).predict(input);
    const loaded = await loadOutlook(dir);
    expect(await loaded.predict(input)).toEqual(expected);
    fit.model.dispose();
  });

  it("refuses an outlook trained on other features, naming them", async () => {
    const model = buildOutlookModel(FEATURE_SIZE);
    await saveOutlook(model, dir, outlookMeta(standardisation));
    const meta = JSON.parse(await readFile(path.join(dir, OUTLOOK_META_JSON), "utf8"));
    await writeFile(path.join(dir, OUTLOOK_META_JSON), JSON.stringify({ ...meta, features: "second-frames-v0" }));
    await expect(loadOutlook(dir)).rejects.toThrow(/trained on features "second-frames-v0".*train it again/);
    model.dispose();
  });

  it("summarises an empty stretch as zeros", () => {
    expect(summaryOf(rawFrames(3), 0, 0)).toEqual(new Float32Array(2 * FEATURE_SIZE));
  });
});

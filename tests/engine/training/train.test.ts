import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import type { ModelConfig } from "../../../engine/model/config.ts";
import { loadModel } from "../../../engine/model/io.ts";
import { train, type TrainingReport } from "../../../engine/training/train.ts";
import { encodeTestWav } from "../../support/wav.ts";
import { periodicLoader, placeholderFiles } from "./synthetic.ts";

const config: ModelConfig = {
  sampleRate: 16,
  encoderSteps: 20,
  decoderSteps: 10,
  hiddenUnits: [16],
  relationAlpha: 0.4,
  hiddenAlpha: 0.3,
  shareWeights: true,
  // As the small preset: layer norm, whose training and inference agree (shared-weight batch norm made this flaky).
  normalization: "layer",
};

let dir: string;
beforeAll(async () => {
  await selectBackend("wasm");
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "harmonizer-train-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const common = () => ({
  dataDir: path.join(dir, "data"),
  outDir: path.join(dir, "model"),
  cacheDir: path.join(dir, "cache"),
  config,
  loadAudio: periodicLoader(40),
  hopSeconds: 2,
  batchSize: 6,
});

describe("train", () => {
  it("lowers the validation loss on a learnable periodic signal", async () => {
    await placeholderFiles(path.join(dir, "data"), 6);
    const report = await train({ ...common(), hopSeconds: 1, epochs: 8, patience: 8, learningRate: 1e-2 });
    const losses = report.history.map((e) => e.validationLoss!);
    expect(losses).toHaveLength(8);
    expect(Math.min(...losses.slice(-3))).toBeLessThan(0.5 * losses[0]!);
    expect(report.bestValidationLoss).toBe(Math.min(...losses));
  });

  it("runs 2 epochs on real WAV files: 2-entry loss history, a report file, a loadable model", async () => {
    const data = path.join(dir, "data");
    await placeholderFiles(data, 0);
    for (let n = 0; n < 5; n++) {
      // 8 kHz: the lowest rate the decoder accepts (STREAM_LIMITS); the training resamples to the model's own.
      const samples = await periodicLoader(40)(`song-${n}.wav`, 8_000);
      await writeFile(path.join(data, `song-${n}.wav`), encodeTestWav({ sampleRate: 8_000, channels: [samples] }));
    }
    const { loadAudio: _synthetic, ...realDecoding } = common();
    const report = await train({ ...realDecoding, epochs: 2 });
    expect(report.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(report.history.every((e) => Number.isFinite(e.trainLoss) && e.validationLoss !== null)).toBe(true);

    const written = JSON.parse(
      await readFile(path.join(dir, "model", "training-report.json"), "utf8"),
    ) as TrainingReport;
    expect(written.history).toHaveLength(2);
    expect(written.data.files.test).toHaveLength(1); // 5 files: ceil(1) test, ceil(0.8) validation, 3 train
    expect(written.data.files.validation).toHaveLength(1);
    expect(written.data.files.train).toHaveLength(3);
    expect(written.data.windows.train).toBe(3 * 6); // 40 s files, 30 s windows every 2 s
    expect(written.data.seconds.train).toBeCloseTo(120, 6);
    expect(written.backend).toBe("wasm");
    expect(written.config).toEqual(config);

    const loaded = await loadModel(path.join(dir, "model"));
    expect(loaded.meta.training?.epochs).toBe(report.bestEpoch);
    loaded.model.dispose();
  });

  it("resumes from the checkpoint, continuing the epoch count and history", async () => {
    await placeholderFiles(path.join(dir, "data"), 5);
    const first = await train({ ...common(), epochs: 1 });
    expect(await readdir(path.join(dir, "model", "checkpoint"))).toContain("checkpoint.json");

    const resumed = await train({ ...common(), epochs: 3, resume: true });
    expect(resumed.resumedFromEpoch).toBe(1);
    expect(resumed.history.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(resumed.history[0]).toEqual(first.history[0]);
    expect(resumed.notes.join(" ")).toMatch(/optimizer state restarted/);
  });

  it("stops early when validation loss stops improving", async () => {
    await placeholderFiles(path.join(dir, "data"), 5);
    // frozen weights (layer norm keeps no running statistics): the validation loss never improves after epoch 1
    const report = await train({ ...common(), epochs: 8, patience: 2, learningRate: 0 });
    expect(report.stoppedEarly).toBe(true);
    expect(report.bestEpoch).toBe(1);
    expect(report.history.map((e) => e.epoch)).toEqual([1, 2, 3]);
  });
});

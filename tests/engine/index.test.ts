import { describe, expect, it } from "vitest";
import { modelInfo, SHIPPED_CONDUCTOR_DIR, TRAINING_DEFAULTS, trainingKind, trainModel } from "#engine";

describe("the engine API (#engine)", () => {
  it("picks the trainer from the preset and keeps each kind's defaults in one table", () => {
    expect(trainingKind("conductor")).toBe("conductor");
    expect(trainingKind("small")).toBe("audio");
    expect(trainingKind("seed")).toBe("audio");
    expect(TRAINING_DEFAULTS.conductor.epochs).not.toBe(TRAINING_DEFAULTS.audio.epochs);
  });

  it("refuses to resume a conductor's training before reading any data", async () => {
    await expect(
      trainModel({ dataDir: "/nonexistent", outDir: "/nonexistent/out", preset: "conductor", resume: true }),
    ).rejects.toThrow("resume is not supported with a feature preset (conductor)");
  });

  it("describes a preset and a trained model alike", async () => {
    const preset = await modelInfo({ preset: "conductor" });
    const shipped = await modelInfo({ modelDir: SHIPPED_CONDUCTOR_DIR });
    expect(shipped.parameters).toBe(preset.parameters);
    expect(shipped.model).toBe(SHIPPED_CONDUCTOR_DIR);
    expect(shipped.training?.epochs).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from "vitest";
import type { Predictor } from "../../../engine/extend/types.ts";
import { evaluateModel, formatEvaluationTable } from "../../../engine/training/evaluate.ts";

const rate = 10;
/** A fake model that continues the signal perfectly, or predicts a constant. */
const predictorFrom = (predict: (context: Float32Array) => Float32Array): Predictor => ({
  sampleRate: rate,
  contextSeconds: 20,
  horizonSeconds: 10,
  backend: "cpu",
  predict: async (context) => predict(context),
});

const sine = (seconds: number, amplitude: number) =>
  Float32Array.from({ length: seconds * rate }, (_, i) => amplitude * Math.sin((2 * Math.PI * i) / (1.3 * rate)));

describe("evaluateModel", () => {
  it("scores the model beside silence and repeat-last on the normalised scale, per file and in the mean", async () => {
    const files = [
      { name: "quiet.wav", samples: sine(50, 0.01) },
      { name: "loud.wav", samples: sine(40, 0.5) },
      { name: "short.wav", samples: sine(25, 0.5) },
    ];
    const constant = predictorFrom(() => new Float32Array(10 * rate).fill(0.5));
    const result = await evaluateModel({ predictor: constant, files });

    expect(result.files.map((f) => [f.name, f.windows])).toEqual([
      ["quiet.wav", 3],
      ["loud.wav", 2],
    ]);
    expect(result.skipped).toEqual(["short.wav"]);
    expect(result.windows).toBe(5);
    // normalised to -20 dBFS RMS: silence costs the signal power 0.01 whatever the file's level
    for (const f of result.files) expect(f.silence).toBeCloseTo(0.01, 3);
    // the quiet file's constant 0.5 is huge after its gain of 10x / 0.01 → model error far above silence
    expect(result.files[0]!.model).toBeGreaterThan(result.files[1]!.model);
    expect(result.mean.silence).toBeCloseTo(0.01, 3);
  });

  it("gives a perfect continuation zero error", async () => {
    const samples = sine(60, 0.3);
    let calls = 0;
    const oracle = predictorFrom((context) => {
      const start = calls++ * 10 * rate + context.length;
      return samples.slice(start, start + 10 * rate);
    });
    const result = await evaluateModel({ predictor: oracle, files: [{ name: "a.wav", samples }] });
    expect(result.mean.model).toBeLessThan(1e-12);
    expect(result.mean.repeatLast).toBeGreaterThan(0.001); // 10 s is not a multiple of the 1.3 s period
    expect(formatEvaluationTable(result)).toMatch(/a\.wav\s+4\s+0\.000e\+0 \*/);
  });
});

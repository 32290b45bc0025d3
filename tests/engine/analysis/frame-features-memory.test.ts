import { describe, expect, test } from "vitest";
import { FRAME_SIZE, frameFeatureBuilder, frameFeatures, HOP } from "../../../engine/analysis/features.ts";
import { heldBuffersMb } from "../../support/held-memory.ts";

describe("frame features' levels", () => {
  test("are read from running sums of squares kept per hop: a signal of 5 million samples holds 1 MB of features, not 40 MB of sums", () => {
    const before = heldBuffersMb();
    const builder = frameFeatureBuilder(22_050, 5_000_000);
    // The features, sized at once: 9,762 frames of 27 floats. The sums were 8 bytes a sample.
    expect(heldBuffersMb() - before).toBeLessThan(4);
    builder.advance(new Float32Array(FRAME_SIZE), true);
    expect(builder.result().frameCount).toBe(1);
  });

  test("equal a running sum of squares over the whole signal, bit for bit", () => {
    const samples = new Float32Array(100_000).map((_, i) => Math.sin(i * 0.01) * (i % 5000 < 2500 ? 0.9 : 1e-3));
    const { levelDb, frameCount } = frameFeatures(samples, 22_050);
    const squares = new Float64Array(samples.length + 1);
    for (let i = 0; i < samples.length; i++) squares[i + 1] = squares[i]! + samples[i]! * samples[i]!;
    for (let f = 0; f < frameCount; f++) {
      const energy = Math.max(0, squares[f * HOP + FRAME_SIZE]! - squares[f * HOP]!);
      const expected = energy > 0 ? Math.max(-120, 10 * Math.log10(energy / FRAME_SIZE)) : -120;
      expect(levelDb[f]).toBe(Math.fround(expected));
    }
  });
});

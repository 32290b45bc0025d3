import { describe, expect, test } from "vitest";
import { NEAR_IDENTICAL_DISTANCE } from "../../../engine/analysis/beat-vectors.ts";
import { shortestLoopSeconds, type SlidingBlocks } from "../../../engine/quality/loops.ts";
import { mulberry32 } from "../../../engine/random.ts";

/** The loop search as its definition reads: each lag swept on its own, smallest first, all pairs compared in full. */
function sweptLagByLag(blocks: SlidingBlocks, maxPeriodSeconds: number, copyOf?: Float64Array): number {
  const { count, blockFrames, stride, frameSeconds, size, vectors, silent } = blocks;
  const maxLag = Math.min(count - 1, Math.floor(maxPeriodSeconds / frameSeconds));
  const distance = (i: number, j: number) => {
    let sum = 0;
    for (let d = 0; d < size; d++) sum += (vectors[i * size + d]! - vectors[j * size + d]!) ** 2;
    return Math.sqrt(sum);
  };
  for (let lag = blockFrames; lag <= maxLag; lag++) {
    const window = Math.ceil(Math.max(lag, 2 / frameSeconds) / stride);
    const matches: number[] = [];
    for (let i = 0; i + lag < count; i += stride) {
      const j = i + lag;
      const sameCopy = copyOf !== undefined && copyOf[i] === copyOf[j];
      matches.push(!silent[i] && !silent[j] && !sameCopy && distance(i, j) < NEAR_IDENTICAL_DISTANCE ? 1 : 0);
      if (matches.length < window) continue;
      let inWindow = 0;
      for (let k = matches.length - window; k < matches.length; k++) inWindow += matches[k]!;
      if (inWindow >= 0.8 * window) return lag * frameSeconds;
    }
  }
  return 0;
}

describe("the loop search, fed one block at a time", () => {
  test("finds the period a lag-by-lag sweep finds, or none, on random repeats, silences and copies", () => {
    const random = mulberry32(11);
    let found = 0;
    for (let trial = 0; trial < 60; trial++) {
      const size = 4 + Math.floor(random() * 4);
      const count = 60 + Math.floor(random() * 300);
      const period = 3 + Math.floor(random() * 80);
      const repeatFrom = Math.floor(random() * count);
      const noise = random() * 0.6;
      const vectors = new Float32Array(count * size);
      for (let i = 0; i < count; i++) {
        for (let d = 0; d < size; d++) {
          const earlier = vectors[(i - period) * size + d]!;
          vectors[i * size + d] = i >= repeatFrom + period ? earlier + noise * (random() - 0.5) : random();
        }
      }
      const silent = Uint8Array.from({ length: count }, () => (random() < 0.05 ? 1 : 0));
      const blockFrames = 1 + Math.floor(random() * 8);
      const frameSeconds = 0.02 + random() * 0.1;
      const stride = Math.max(1, Math.round(blockFrames / 4));
      const blocks: SlidingBlocks = { count, blockFrames, stride, frameSeconds, size, vectors, silent };
      const copyOf =
        random() < 0.5
          ? undefined
          : Float64Array.from({ length: count }, (_, i) => (random() < 0.3 ? Number.NaN : i >> 6));
      const maxPeriod = 5 + random() * 20;
      const expected = sweptLagByLag(blocks, maxPeriod, copyOf);
      expect(shortestLoopSeconds(blocks, maxPeriod, copyOf), `trial ${trial}`).toBe(expected);
      if (expected > 0) found++;
    }
    expect(found).toBeGreaterThan(10);
  });
});

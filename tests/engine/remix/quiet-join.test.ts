import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../engine/random.ts";
import { kthSmallest } from "../../../engine/remix/quiet-join.ts";

describe("kthSmallest", () => {
  it("gives the value sorting would put at k, for every k, with ties", () => {
    const random = mulberry32(11);
    const values = Array.from({ length: 301 }, () => Math.floor(random() * 40));
    const sorted = [...values].sort((a, b) => a - b);
    for (let k = 0; k < values.length; k++)
      expect(kthSmallest(Float64Array.from(values), values.length, k)).toBe(sorted[k]);
  });
});

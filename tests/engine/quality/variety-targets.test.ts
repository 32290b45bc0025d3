import { describe, expect, test } from "vitest";
import type { QualityReport } from "../../../engine/quality/report.ts";
import { checkTargets } from "../../../engine/quality/targets.ts";
import { scaledLimitSeconds } from "../../../engine/variety.ts";
import { passingReport } from "./fixtures/quality-report.ts";

/** A report of a 240 s song made `resultSeconds` long, with the given form figures. */
const report = (resultSeconds: number, figures: Partial<QualityReport>): QualityReport =>
  passingReport({ originalSeconds: 240, resultSeconds, longestVerbatimRunSeconds: 40, ...figures });

const check = (r: QualityReport, key: string) => checkTargets(r, { inputHasEnding: true }).find((c) => c.key === key)!;

describe("variety limits scale with what is added", () => {
  test("the limit is the base for a song's length added or more, and grows towards the song's length below that", () => {
    expect(scaledLimitSeconds(45, 240, 240)).toBe(45);
    expect(scaledLimitSeconds(45, 240, 600)).toBe(45);
    expect(scaledLimitSeconds(45, 240, 10)).toBeCloseTo(45 + 195 * (230 / 240), 9);
    expect(scaledLimitSeconds(45, 240, 60)).toBeCloseTo(45 + 195 * 0.75, 9);
    expect(scaledLimitSeconds(45, 240, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(scaledLimitSeconds(45, 240, -60)).toBe(Number.POSITIVE_INFINITY);
  });

  test("+10 s: a 200 s verbatim run and a 10 s phrase heard twice meet the targets; at 3x the song they do not", () => {
    const small = report(250, { longestVerbatimRunSeconds: 200, longestRepeatedStretchSeconds: 10 });
    expect(check(small, "longestVerbatimRunSeconds")).toMatchObject({ met: true, target: "<= 231.88 s" });
    expect(check(small, "longestRepeatedStretchSeconds").met).toBe(true);
    const large = report(720, { longestVerbatimRunSeconds: 200, longestRepeatedStretchSeconds: 31 });
    expect(check(large, "longestVerbatimRunSeconds")).toMatchObject({ met: false, target: "<= 45 s" });
    expect(check(large, "longestRepeatedStretchSeconds")).toMatchObject({ met: false, target: "< 30 s" });
  });

  test("a shortened song adds nothing: its runs are not judged", () => {
    const shorter = report(180, { longestVerbatimRunSeconds: 120, coveragePercent: 74 });
    expect(check(shorter, "longestVerbatimRunSeconds")).toMatchObject({ met: null, target: "none (nothing added)" });
    expect(check(shorter, "coveragePercent").met).toBeNull();
  });
});

describe("coverage", () => {
  test("is judged (>= 98 %) from the song's length to twice it, and reported above", () => {
    expect(check(report(250, { coveragePercent: 97.9 }), "coveragePercent")).toMatchObject({
      met: false,
      target: ">= 98 %",
    });
    expect(check(report(480, { coveragePercent: 98.5 }), "coveragePercent").met).toBe(true);
    expect(check(report(600, { coveragePercent: 80 }), "coveragePercent")).toMatchObject({ met: null, value: 80 });
  });
});

describe("a result that had to repeat (the song ran out of fresh orders)", () => {
  const tenHours = report(36_000, { longestRepeatedStretchSeconds: 3_600 });
  const repeatCheck = (shortestRepeatSeconds: number) =>
    checkTargets(tenHours, { inputHasEnding: true, shortestRepeatSeconds }).find((c) =>
      c.key.toLowerCase().includes("repeat"),
    )!;

  test("is judged by how far apart the closest two plays of a 30 s stretch are: twice the song's length or more", () => {
    expect(repeatCheck(3_600)).toMatchObject({
      key: "shortestRepeatSeconds",
      value: 3_600,
      target: ">= 480 s",
      met: true,
    });
    expect(repeatCheck(32)).toMatchObject({ key: "shortestRepeatSeconds", met: false });
  });

  test("without the plan's distance the longest repeated stretch is judged as before", () => {
    expect(check(tenHours, "longestRepeatedStretchSeconds")).toMatchObject({ met: false, target: "< 30 s" });
  });
});

import { describe, expect, it } from "vitest";
import {
  clock,
  formatValue,
  formLine,
  missedTargets,
  seamsLine,
  targetTable,
  targetUnit,
} from "../../cli/extend-summary.ts";
import type { TargetCheck } from "../../engine/quality/index.ts";

const checks: TargetCheck[] = [
  { key: "clicksAtSeams", label: "clicks at seams", value: 0, target: "0", met: true },
  { key: "longestVerbatimSeconds", label: "longest verbatim run", value: 88.24, target: "<= 45 s", met: false },
  { key: "seamFluxZ", label: "seam flux z", value: null, target: "<= 1.5", met: null },
  { key: "endsOnOwnEnding", label: "ends with the song's ending", value: true, target: "yes", met: true },
];

describe("extend's terminal summary", () => {
  it("writes times as m:ss, minutes going past 59", () => {
    expect([clock(0), clock(25.4), clock(59.6), clock(75), clock(4503)]).toEqual([
      "0:00",
      "0:25",
      "1:00",
      "1:15",
      "75:03",
    ]);
  });

  it("names the form and why, and where the kept opening ends", () => {
    expect(
      formLine({ form: "song", formReason: "auto: the input ends with a 6.2 s fade-out", introSeconds: 12.3 }),
    ).toBe("form: song (auto: the input ends with a 6.2 s fade-out); intro kept up to 0:12");
    expect(formLine({ form: "continue", formReason: "asked for", introSeconds: 25 })).toBe(
      "form: continue (asked for); input kept up to 0:25",
    );
  });

  it("lists at most 12 seams, then …", () => {
    expect(seamsLine([])).toBe("seams: none");
    expect(seamsLine([25, 61.2])).toBe("seams: 2 at 0:25, 1:01");
    const many = Array.from({ length: 14 }, (_, i) => 30 * (i + 1));
    expect(seamsLine(many)).toBe(`seams: 14 at ${many.slice(0, 12).map(clock).join(", ")}, …`);
  });

  it("formats each figure with the unit its target names", () => {
    expect(targetUnit("<= 45 s")).toBe("s");
    expect(targetUnit("<= 2 %")).toBe("%");
    expect(targetUnit("<= 1 LU")).toBe("LU");
    expect(targetUnit("0")).toBe("");
    expect(targetUnit("0 or >= 20 s")).toBe("s");
    expect([formatValue(0), formatValue(88.24, "s"), formatValue(0.054), formatValue(null), formatValue(true)]).toEqual(
      ["0", "88.2 s", "0.05", "–", "yes"],
    );
  });

  it("prints one aligned row per target with ok, MISSED or n/a, and warns for each miss", () => {
    expect(targetTable(checks)).toEqual([
      "  clicks at seams                   0  target 0        ok",
      "  longest verbatim run         88.2 s  target <= 45 s  MISSED",
      "  seam flux z                       –  target <= 1.5   n/a",
      "  ends with the song's ending     yes  target yes      ok",
    ]);
    expect(missedTargets(checks)).toEqual(["longest verbatim run 88.2 s (target <= 45 s)"]);
  });
});

import { describe, expect, it } from "vitest";
import {
  clock,
  count,
  encodingPhrase,
  formLine,
  joinClock,
  joinsToHear,
  missedTargets,
  piecesPhrase,
  seamsLine,
  targetTable,
} from "../../cli/extend-summary.ts";
import { formatValue, type SeamReading, type TargetCheck, targetUnit } from "../../engine/quality/index.ts";

const seam = (atSeconds: number, missed: SeamReading["missed"], figures: Partial<SeamReading> = {}): SeamReading => ({
  atSeconds,
  fromSeconds: 100.04,
  toSeconds: 10.42,
  step: 0.05,
  stepRatio: 3,
  ownStep: 0.04,
  click: missed.includes("click"),
  fluxZ: 0.2,
  loudnessChangeLu: -0.3,
  beatPhaseShift: 0.05,
  missed,
  ...figures,
});

const checks: TargetCheck[] = [
  { key: "clicksAtSeams", label: "clicks at seams", value: 0, target: "0", met: true },
  { key: "longestVerbatimSeconds", label: "longest verbatim run", value: 88.24, target: "<= 45 s", met: false },
  { key: "seamFluxZ", label: "seam flux z", value: null, target: "<= 1.5", met: null },
  { key: "endsOnOwnEnding", label: "ends with the song's ending", value: true, target: "yes", met: true },
];

describe("extend's terminal summary", () => {
  it("writes times as m:ss, whole seconds cut as the result page and its player count them, minutes going past 59", () => {
    expect([clock(0), clock(25.4), clock(59.6), clock(75), clock(4503.9)]).toEqual([
      "0:00",
      "0:25",
      "0:59",
      "1:15",
      "75:03",
    ]);
    // town.mp3 to 5:00: the page's button says "the first join (1:45)"; the terminal said 1:46.
    expect(seamsLine([105.9, 205.6])).toBe("seams: 2 at 1:45, 3:25");
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

  it("names the joins that miss a target, with the song positions they join, and where each missed target is missed", () => {
    const seams = [
      seam(83.64, ["click"], { step: 0.412, ownStep: 0.05 }),
      seam(120, []),
      seam(150.01, ["flux", "loudness"], { fluxZ: 2.64, loudnessChangeLu: 1.46 }),
    ];
    expect(joinsToHear(seams)).toEqual([
      "joins to listen to (2 of 3; each in the report's seamList):",
      "  1:23.6 (song 1:40.0 -> 0:10.4): click (step 0.412, the song's own 0.050)",
      "  2:30.0 (song 1:40.0 -> 0:10.4): seam flux z 2.6 (limit 1.5), loudness change +1.5 LU (limit ±1 LU)",
    ]);
    expect(joinsToHear([seam(120, [])])).toEqual([]);
    const missed: TargetCheck[] = [
      { key: "clicksAtSeams", label: "clicks at seams", value: 1, target: "0", met: false },
      { key: "seamFluxZ", label: "seam flux z", value: 1.8, target: "<= 1.5", met: false },
      { key: "longestVerbatimRunSeconds", label: "longest verbatim run", value: 50, target: "<= 45 s", met: false },
    ];
    expect(missedTargets(missed, seams)).toEqual([
      "clicks at seams 1 (target 0): at 1:23", // the join at 1:23.6 above, as the page counts it
      "seam flux z 1.80 (target <= 1.5): at 2:30",
      "longest verbatim run 50 s (target <= 45 s)",
    ]);
  });

  it("gives a figure in seconds its unit when its target names none (a shortened song adds nothing to judge)", () => {
    const unjudged: TargetCheck[] = [
      {
        key: "longestVerbatimRunSeconds",
        label: "longest verbatim run",
        value: 106.2,
        target: "none (nothing added)",
        met: null,
      },
      {
        key: "longestRepeatedStretchSeconds",
        label: "longest repeated stretch",
        value: 0,
        target: "none (nothing added)",
        met: null,
      },
    ];
    const [verbatim, repeated] = targetTable(unjudged);
    expect(verbatim).toMatch(/longest verbatim run\s+106\.2 s\s+target none \(nothing added\)\s+n\/a$/);
    expect(repeated).toMatch(/longest repeated stretch\s+0 s\s+target none/);
  });

  it("shows a figure just past its limit with the decimals that show it past, not rounded onto the limit", () => {
    const near = [seam(75, ["flux", "loudness"], { fluxZ: 1.52, loudnessChangeLu: -1.0002 })];
    expect(joinsToHear(near)[1]).toBe(
      "  1:15.0 (song 1:40.0 -> 0:10.4): seam flux z 1.52 (limit 1.5), loudness change -1.0002 LU (limit ±1 LU)",
    );
  });

  it("writes join times to the tenth, and counts in the singular and plural", () => {
    expect([joinClock(83.64), joinClock(0), joinClock(59.96)]).toEqual(["1:23.6", "0:00.0", "1:00.0"]);
    expect([count(1, "seam"), count(0, "seam"), count(32, "seam")]).toEqual(["1 seam", "0 seams", "32 seams"]);
    expect(piecesPhrase({ engine: "conductor", chunks: 32, seams: Array(32).fill(1) })).toBe("32 seams");
    expect(piecesPhrase({ engine: "remix", chunks: 1, seams: [40] })).toBe("1 seam");
    expect(piecesPhrase({ engine: "neural", chunks: 3, seams: [1, 2, 3] })).toBe("3 predictions of 10 s, 3 seams");
  });

  it("says what a lossy result was lowered to: the song's own peak, or -1 dBFS for a song that peaks lower", () => {
    const encoding = { setting: "quality 3.47", reason: "the input's 112 kbit/s" };
    expect(encodingPhrase({ encoding: { ...encoding, headroomDb: -0.22, headroomTo: "the song" } })).toBe(
      "; quality 3.47, for the input's 112 kbit/s, -0.2 dB to peak no higher than the song",
    );
    expect(encodingPhrase({ encoding: { ...encoding, headroomDb: -0.5, headroomTo: "-1 dBFS" } })).toBe(
      "; quality 3.47, for the input's 112 kbit/s, -0.5 dB to peak no higher than -1 dBFS",
    );
    expect(encodingPhrase({ encoding: { ...encoding, headroomDb: 0, headroomTo: "the song" } })).toBe(
      "; quality 3.47, for the input's 112 kbit/s",
    );
  });
});

import { MAX_REPEAT_SECONDS, MAX_VERBATIM_SECONDS, MIN_REPEAT_DISTANCE_SONGS, scaledLimitSeconds } from "../variety.ts";
import type { QualityReport } from "./report.ts";

/** One quality target and whether a report meets it (for the CLI's summary and the job report). */
export interface TargetCheck {
  /** The QualityReport field judged. */
  readonly key: string;
  readonly label: string;
  readonly value: number | boolean | null;
  /** The target as shown, its unit last: "0", "<= 45 s", "<= 2 %", "yes". */
  readonly target: string;
  /** null: nothing to measure (no seams, silent extension) or the target does not apply. */
  readonly met: boolean | null;
}

export interface TargetOptions {
  /** Whether the input has an ending of its own (e.g. the engine chose song form); else endsWithInputEnding is not judged. */
  readonly inputHasEnding: boolean;
  /**
   * Set when the plan had to play a 30 s stretch twice (the song ran out of fresh orders): how far apart the closest
   * two plays start. The repeat target then judges that distance instead of the longest repeated stretch.
   */
  readonly shortestRepeatSeconds?: number;
}

/** Allowed growth of the longest internal silence over the input's own, seconds. */
const EXTRA_SILENCE_SECONDS = 0.5;

/** Every metric of the report that has a target (see QualityReport for what each measures), in a fixed order. */
export function checkTargets(report: QualityReport, options: TargetOptions): TargetCheck[] {
  const atMost = (value: number | null, limit: number) =>
    value === null || !Number.isFinite(value) ? null : value <= limit;
  const silenceLimit = report.originalLongestInternalSilenceSeconds + EXTRA_SILENCE_SECONDS;
  const noSeams = report.seamCount === 0;
  return [
    {
      key: "clicksAtSeams",
      label: "clicks at seams",
      value: report.clicksAtSeams,
      target: "0",
      met: noSeams ? null : report.clicksAtSeams === 0,
    },
    {
      key: "seamFluxZ",
      label: "seam flux z",
      value: report.seamFluxZ,
      target: "<= 1.5",
      met: atMost(report.seamFluxZ, 1.5),
    },
    {
      key: "seamLoudnessChangeLu",
      label: "loudness change at seams",
      value: report.seamLoudnessChangeLu,
      target: "<= 1 LU",
      met: atMost(report.seamLoudnessChangeLu, 1),
    },
    {
      key: "tempoDifferencePercent",
      label: "tempo difference",
      value: report.tempoDifferencePercent,
      target: "<= 2 %",
      met: atMost(report.tempoDifferencePercent, 2),
    },
    {
      key: "shortestLoopSeconds",
      label: "shortest back-to-back loop",
      value: report.shortestLoopSeconds,
      target: "0 or >= 20 s",
      met: report.extensionSeconds > 0 ? report.shortestLoopSeconds === 0 || report.shortestLoopSeconds >= 20 : null,
    },
    ...varietyChecks(report, options.shortestRepeatSeconds),
    {
      key: "introReplays",
      label: "intro replays",
      value: report.introReplays,
      target: "1",
      met: report.introReplays === 1,
    },
    {
      key: "endsWithInputEnding",
      label: "ends with the input's ending",
      value: report.endsWithInputEnding,
      target: "yes",
      met: options.inputHasEnding ? report.endsWithInputEnding : null,
    },
    {
      key: "longestInternalSilenceSeconds",
      label: "longest internal silence",
      value: report.longestInternalSilenceSeconds,
      target: `<= ${round(silenceLimit)} s`,
      // The limit is the input's own silence + 0.5 s; 1e-9 absorbs the rounding of that sum.
      met: report.longestInternalSilenceSeconds <= silenceLimit + 1e-9,
    },
  ];
}

/** Coverage is judged when every second of the song should play: a result between its length and twice it. */
const COVERAGE_TARGET_PERCENT = 98;

/**
 * The verbatim and repeat limits scaled to what the result adds (engine/variety.ts), and coverage. A shortened or
 * unchanged result adds nothing: its runs are the song's own, not judged.
 */
function varietyChecks(report: QualityReport, shortestRepeatSeconds: number | undefined): TargetCheck[] {
  const added = report.resultSeconds - report.originalSeconds;
  const verbatim = scaledLimitSeconds(MAX_VERBATIM_SECONDS, report.originalSeconds, added);
  const repeat = scaledLimitSeconds(MAX_REPEAT_SECONDS, report.originalSeconds, added);
  const judged = Number.isFinite(verbatim);
  const lengthened = added > 0 && report.resultSeconds <= 2 * report.originalSeconds + 1e-6;
  return [
    {
      key: "longestVerbatimRunSeconds",
      label: "longest verbatim run",
      value: report.longestVerbatimRunSeconds,
      target: judged ? `<= ${round(verbatim)} s` : "none (nothing added)",
      met: judged ? report.longestVerbatimRunSeconds <= verbatim + 1e-9 : null,
    },
    judged && shortestRepeatSeconds !== undefined
      ? repeatDistanceCheck(report, shortestRepeatSeconds)
      : {
          key: "longestRepeatedStretchSeconds",
          label: "longest repeated stretch",
          value: report.longestRepeatedStretchSeconds,
          target: judged ? `< ${round(repeat)} s` : "none (nothing added)",
          met: judged ? report.longestRepeatedStretchSeconds < repeat : null,
        },
    {
      key: "coveragePercent",
      label: "coverage of the song",
      value: report.coveragePercent,
      target: `>= ${COVERAGE_TARGET_PERCENT} %`,
      met: lengthened && report.coveragePercent !== null ? report.coveragePercent >= COVERAGE_TARGET_PERCENT : null,
    },
  ];
}

/** A result that had to repeat: are the closest two plays of the same 30 s stretch spread far enough apart? */
function repeatDistanceCheck(report: QualityReport, shortestRepeatSeconds: number): TargetCheck {
  const distance = MIN_REPEAT_DISTANCE_SONGS * report.originalSeconds;
  return {
    key: "shortestRepeatSeconds",
    label: `closest repeat of ${MAX_REPEAT_SECONDS} s`,
    value: shortestRepeatSeconds,
    target: `>= ${round(distance)} s`,
    met: shortestRepeatSeconds >= distance,
  };
}

/** 1.5 -> "1.5", 0.54 -> "0.54": the target as a short figure. */
function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The unit a target names after its figure ("<= 45 s" -> "s", "<= 2 %" -> "%", "0" -> ""). */
export function targetUnit(target: string): string {
  return /[\d.]\s*([^\d\s.][^\s]*)\s*$/.exec(target)?.[1] ?? "";
}

/** A check's figure as the terminal and the page show it, with its unit: its target's, else "s" for a figure in seconds. */
export function formatCheckValue(check: Pick<TargetCheck, "key" | "value" | "target">): string {
  return formatValue(check.value, targetUnit(check.target) || (check.key.endsWith("Seconds") ? "s" : ""));
}

export function formatValue(value: TargetCheck["value"], unit = ""): string {
  if (value === null) return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  const figure = Number.isInteger(value) ? String(value) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
  return unit === "" ? figure : `${figure} ${unit}`;
}

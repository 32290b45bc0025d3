import type { ClosingFade } from "../audio/fade.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import type { BaselineResult } from "./baselines.ts";
import { analyseOriginal, measureExtension, type MeasureOptions } from "./measure.ts";
import type { QualityReport, SeamSource } from "./report.ts";

/** What an extender returns: the baselines' result, plus where the kept opening ends when the engine says (ExtendResult.introSeconds). */
export interface ExtenderResult extends BaselineResult {
  /** Seconds; measured metrics start after it (default: the input's length, as for the baselines). */
  readonly introSeconds?: number;
  /** The form the engine used ("song" or "continue"), when it says. */
  readonly form?: string;
  /** The engine's notes (ExtendResult.notes), when it has any. */
  readonly notes?: readonly string[];
  /** Where each seam joins the input, when the engine says (ExtendResult.seamSources). */
  readonly seamSources?: readonly SeamSource[];
  /** The closing fade-out, when the engine says (ExtendResult.closingFade). */
  readonly closingFade?: ClosingFade;
}

/** Something that extends a song: an engine or a baseline. */
export type Extender = (input: PcmAudio, targetSeconds: number) => Promise<ExtenderResult> | ExtenderResult;

export interface EngineEvaluation {
  readonly engine: string;
  /** The form the engine used, when it says. */
  readonly form?: string;
  readonly report: QualityReport;
  /** Time the extender took, seconds (measuring not included). */
  readonly seconds: number;
}

/**
 * The quality report of an extender's result, with all the engine says about it, as the CLI measures it: where each
 * seam joins the input (a click is judged against the input's own steps there, a level-ridden piece is still one
 * stretch of it) and the closing fade.
 */
export function measureExtenderResult(
  input: PcmAudio,
  result: ExtenderResult,
  options?: MeasureOptions,
): Promise<QualityReport> {
  const { seams, seamSources, introSeconds, closingFade } = result;
  return measureExtension(
    { original: input, result: result.audio, seams, seamSources, introSeconds, closingFade },
    options,
  );
}

/**
 * Runs every extender on one track and measures each result (the track is analysed once for the measurement).
 * Extenders run one after another, each timed from scratch.
 */
export async function evaluateEngines(
  input: PcmAudio,
  targetSeconds: number,
  extenders: Readonly<Record<string, Extender>>,
): Promise<EngineEvaluation[]> {
  const evaluations: EngineEvaluation[] = [];
  const originalAnalysis = analyseOriginal(input);
  for (const [engine, extend] of Object.entries(extenders)) {
    // Each extender gets its own audio object: analyses are kept per object, and one engine's must not time
    // another's (the samples are shared, never written).
    const own: PcmAudio = { sampleRate: input.sampleRate, channels: input.channels };
    const started = performance.now();
    const result = await extend(own, targetSeconds);
    const seconds = (performance.now() - started) / 1000;
    const report = await measureExtenderResult(input, result, { originalAnalysis });
    evaluations.push({ engine, form: result.form, report, seconds });
  }
  return evaluations;
}

/**
 * The metrics shown in the medians table, in order, with the better direction. Numbers are medians over tracks;
 * yes/no metrics (endsWithInputEnding) are the share of tracks where they hold.
 */
export const TABLE_METRICS: readonly {
  key: keyof QualityReport;
  label: string;
  better: "lower" | "higher" | "info";
}[] = [
  { key: "clicksAtSeams", label: "clicks at seams", better: "lower" },
  { key: "seamFluxZ", label: "seam flux z", better: "lower" },
  { key: "seamLoudnessChangeLu", label: "|loudness change| at seams (LU)", better: "lower" },
  { key: "integratedLoudnessDifferenceLu", label: "integrated loudness diff (LU)", better: "lower" },
  { key: "tempoDifferencePercent", label: "tempo diff (%)", better: "lower" },
  { key: "beatPhaseErrorAtSeams", label: "beat phase error (beats)", better: "lower" },
  { key: "timbreDistance", label: "timbre distance (MFCC FD)", better: "lower" },
  { key: "harmonySimilarity", label: "harmony (chroma cosine)", better: "higher" },
  { key: "shortestLoopSeconds", label: "shortest back-to-back loop (s)", better: "info" },
  { key: "verbatimFraction", label: "verbatim fraction", better: "info" },
  { key: "longestVerbatimRunSeconds", label: "longest verbatim run after intro (s)", better: "lower" },
  { key: "longestRepeatedStretchSeconds", label: "longest repeated stretch (s)", better: "lower" },
  { key: "introReplays", label: "intro replays (target 1)", better: "lower" },
  { key: "endsWithInputEnding", label: "ends with input's ending (share)", better: "higher" },
  { key: "longestInternalSilenceSeconds", label: "longest internal silence (s)", better: "lower" },
  { key: "coveragePercent", label: "coverage of the song (%)", better: "higher" },
  { key: "originalLongestInternalSilenceSeconds", label: "input's longest internal silence (s)", better: "info" },
  { key: "seamCount", label: "seams", better: "info" },
];

export function medianOf(values: readonly (number | null)[]): number | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/**
 * Median of each metric per engine. Integrated loudness difference is taken as an absolute value; a yes/no metric
 * gives the share of tracks (0..1) where it holds.
 */
export function medianReports(evaluations: readonly EngineEvaluation[]): Record<string, Record<string, number | null>> {
  const byEngine = new Map<string, EngineEvaluation[]>();
  for (const e of evaluations) byEngine.set(e.engine, [...(byEngine.get(e.engine) ?? []), e]);
  const out: Record<string, Record<string, number | null>> = {};
  for (const [engine, runs] of byEngine) {
    const row: Record<string, number | null> = {};
    for (const { key } of TABLE_METRICS) {
      const values = runs.map((r) => r.report[key]);
      if (values.some((v) => typeof v === "boolean")) {
        row[key] = values.filter((v) => v === true).length / values.length;
        continue;
      }
      row[key] = medianOf(
        values.map((v) => {
          if (typeof v !== "number") return null;
          return key === "integratedLoudnessDifferenceLu" ? Math.abs(v) : v;
        }),
      );
    }
    row.extendSeconds = medianOf(runs.map((r) => r.seconds));
    out[engine] = row;
  }
  return out;
}

/** A plain-text table: one row per metric, one column per engine, medians over tracks. */
export function formatMedianTable(evaluations: readonly EngineEvaluation[]): string {
  const medians = medianReports(evaluations);
  const engines = Object.keys(medians);
  const rows = [
    ...TABLE_METRICS.map(({ key, label, better }) => ({
      label: `${label}${better === "info" ? "" : ` [${better} better]`}`,
      key,
    })),
    { label: "time to extend (s)", key: "extendSeconds" },
  ];
  const cell = (v: number | null | undefined) =>
    v === null || v === undefined ? "-" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const widths = engines.map((e) => Math.max(e.length, 8));
  const line = (label: string, cells: string[]) =>
    [label.padEnd(labelWidth), ...cells.map((c, i) => c.padStart(widths[i]!))].join("  ");
  return [
    line("metric (median over tracks)", engines),
    ...rows.map((r) =>
      line(
        r.label,
        engines.map((e) => cell(medians[e]![r.key])),
      ),
    ),
  ].join("\n");
}

import { checkTargets, type ExtensionReport, OPUS_RATE, type TargetCheck } from "#engine";

/** What `harmonizer extend` tells the terminal after the headline: lines for stdout, warnings for stderr. */
export interface ExtendSummary {
  readonly lines: readonly string[];
  /** One per missed quality target, e.g. "longest verbatim run 88.2 s (target <= 45 s)". */
  readonly warnings: readonly string[];
}

/** Seams listed one by one before the list is cut short with "…". */
export const MAX_LISTED_SEAMS = 12;

/** 75.4 -> "1:15"; an hour and more stays in minutes ("75:03"). */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function formLine(report: Pick<ExtensionReport, "form" | "formReason" | "introSeconds">): string {
  const kept = report.form === "song" ? "intro kept" : "input kept";
  return `form: ${report.form} (${report.formReason}); ${kept} up to ${clock(report.introSeconds)}`;
}

export function seamsLine(seams: readonly number[], max = MAX_LISTED_SEAMS): string {
  if (seams.length === 0) return "seams: none";
  const listed = seams.slice(0, max).map(clock).join(", ");
  return `seams: ${seams.length} at ${listed}${seams.length > max ? ", …" : ""}`;
}

/** The unit a target names after its figure ("<= 45 s" -> "s", "<= 2 %" -> "%", "0" -> ""). */
export function targetUnit(target: string): string {
  return /[\d.]\s*([^\d\s.][^\s]*)\s*$/.exec(target)?.[1] ?? "";
}

export function formatValue(value: TargetCheck["value"], unit = ""): string {
  if (value === null) return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  const figure = Number.isInteger(value) ? String(value) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
  return unit === "" ? figure : `${figure} ${unit}`;
}

const STATUS = { ok: "ok", missed: "MISSED", none: "n/a" } as const;
const statusOf = (met: boolean | null): string => (met === null ? STATUS.none : met ? STATUS.ok : STATUS.missed);

/** One aligned line per check: label, value, target, ok / MISSED / n/a. */
export function targetTable(checks: readonly TargetCheck[]): string[] {
  const rows = checks.map((check) => ({
    label: check.label,
    value: formatValue(check.value, targetUnit(check.target)),
    target: `target ${check.target}`,
    status: statusOf(check.met),
  }));
  const width = (pick: (row: (typeof rows)[number]) => string) => Math.max(0, ...rows.map((row) => pick(row).length));
  const [label, value, target] = [width((r) => r.label), width((r) => r.value), width((r) => r.target)];
  return rows.map(
    (r) => `  ${r.label.padEnd(label)}  ${r.value.padStart(value)}  ${r.target.padEnd(target)}  ${r.status}`,
  );
}

export function missedTargets(checks: readonly TargetCheck[]): string[] {
  return checks
    .filter((check) => check.met === false)
    .map((check) => `${check.label} ${formatValue(check.value, targetUnit(check.target))} (target ${check.target})`);
}

export interface ExtendRun {
  readonly input: string;
  /** What was written where: `audio` is the extended song, then `picture` and `report` when written. */
  readonly files: Readonly<Record<string, string>>;
  readonly wallSeconds: number;
}

/** The terminal's account of one extension: headline, form, seams, quality targets; notes and misses on stderr. */
export function printExtendSummary(report: ExtensionReport, run: ExtendRun): void {
  const checks =
    report.quality === undefined ? [] : checkTargets(report.quality, { inputHasEnding: report.form === "song" });
  const summary = extendSummary(report, checks);
  for (const note of report.notes) console.error(`note: ${note}`);
  console.log(headline(report, run));
  for (const line of summary.lines) console.log(line);
  for (const warning of summary.warnings) console.error(`warning: ${warning}`);
  for (const [kind, path] of Object.entries(run.files)) if (kind !== "audio") console.log(`${kind}: ${path}`);
}

function headline(report: ExtensionReport, run: ExtendRun): string {
  const { input, output } = report;
  // Opus is always 48 kHz: the file holds the result resampled.
  const rate =
    report.outputFormat === "ogg-opus" ? `${OPUS_RATE} Hz, from ${output.sampleRate} Hz` : `${output.sampleRate} Hz`;
  return (
    `${run.input} (${input.seconds.toFixed(1)} s) -> ${run.files.audio} (${output.seconds.toFixed(1)} s, ` +
    `${output.channels} ch, ${rate}) with the ${report.engine} engine` +
    `${report.backend ? ` on ${report.backend}` : ""}: ${report.chunks} chunks, ${report.seams.length} seams, ` +
    `${run.wallSeconds.toFixed(1)} s`
  );
}

/** The form and why, the seams, and every quality target with its figure and whether it was met. */
export function extendSummary(report: ExtensionReport, checks: readonly TargetCheck[]): ExtendSummary {
  const met = checks.filter((check) => check.met === true).length;
  const judged = checks.filter((check) => check.met !== null).length;
  return {
    lines: [
      formLine(report),
      seamsLine(report.seams),
      report.quality === undefined ? "quality: not measured (--no-report)" : `quality targets: ${met} of ${judged} met`,
      ...targetTable(checks),
    ],
    warnings: missedTargets(checks),
  };
}

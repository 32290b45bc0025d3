import {
  checkTargets,
  clockSeconds,
  clockTenths,
  type ExtensionReport,
  formatCheckValue,
  encodedSampleRate,
  type SeamReading,
  type TargetCheck,
} from "#engine";

/** What `harmonizer extend` tells the terminal after the headline: lines for stdout, warnings for stderr. */
export interface ExtendSummary {
  readonly lines: readonly string[];
  /** One per missed quality target, e.g. "longest verbatim run 88.2 s (target <= 45 s)". */
  readonly warnings: readonly string[];
}

/** Seams listed one by one before the list is cut short with "…". */
export const MAX_LISTED_SEAMS = 12;

/** 75.9 -> "1:15", as the result page and a player count; an hour and more stays in minutes ("75:03"). */
export const clock = clockSeconds;

export function formLine(report: Pick<ExtensionReport, "form" | "formReason" | "introSeconds">): string {
  const kept = report.form === "song" ? "intro kept" : "input kept";
  return `form: ${report.form} (${report.formReason}); ${kept} up to ${clock(report.introSeconds)}`;
}

export function seamsLine(seams: readonly number[], max = MAX_LISTED_SEAMS): string {
  if (seams.length === 0) return "seams: none";
  const listed = seams.slice(0, max).map(clock).join(", ");
  return `seams: ${seams.length} at ${listed}${seams.length > max ? ", …" : ""}`;
}

const STATUS = { ok: "ok", missed: "MISSED", none: "n/a" } as const;
const statusOf = (met: boolean | null): string => (met === null ? STATUS.none : met ? STATUS.ok : STATUS.missed);

/** One aligned line per check: label, value, target, ok / MISSED / n/a. */
export function targetTable(checks: readonly TargetCheck[]): string[] {
  const rows = checks.map((check) => ({
    label: check.label,
    value: formatCheckValue(check),
    target: `target ${check.target}`,
    status: statusOf(check.met),
  }));
  const width = (pick: (row: (typeof rows)[number]) => string) => Math.max(0, ...rows.map((row) => pick(row).length));
  const [label, value, target] = [width((r) => r.label), width((r) => r.value), width((r) => r.target)];
  return rows.map(
    (r) => `  ${r.label.padEnd(label)}  ${r.value.padStart(value)}  ${r.target.padEnd(target)}  ${r.status}`,
  );
}

/** The seam targets and the per-seam miss that shows where each is missed. */
const SEAM_MISSES: Readonly<Record<string, SeamReading["missed"][number]>> = {
  clicksAtSeams: "click",
  seamFluxZ: "flux",
  seamLoudnessChangeLu: "loudness",
};

/** One warning per missed target; a missed seam target names the joins that miss it (`seams`: the report's list). */
export function missedTargets(checks: readonly TargetCheck[], seams: readonly SeamReading[] = []): string[] {
  return checks
    .filter((check) => check.met === false)
    .map((check) => {
      const miss = SEAM_MISSES[check.key];
      const at = seams
        .filter((seam) => miss !== undefined && seam.missed.includes(miss))
        .map((s) => clock(s.atSeconds));
      const where = at.length === 0 ? "" : `: at ${listed(at)}`;
      return `${check.label} ${formatCheckValue(check)} (target ${check.target})${where}`;
    });
}

const listed = (items: readonly string[], max = MAX_LISTED_SEAMS) =>
  `${items.slice(0, max).join(", ")}${items.length > max ? ", …" : ""}`;

/** A join's time, precise enough to find it in a player. */
export const joinClock = clockTenths;

const MISS_WORDS = { click: "click", flux: "seam flux z", loudness: "loudness change" } as const;

/** One line per join that misses a per-join target: where it is, which song positions it joins, what it misses. */
export function joinsToHear(seams: readonly SeamReading[]): string[] {
  const missing = seams.filter((seam) => seam.missed.length > 0);
  if (missing.length === 0) return [];
  return [
    `joins to listen to (${missing.length} of ${seams.length}; each in the report's seamList):`,
    ...missing.map((seam) => {
      const source =
        seam.fromSeconds === null || seam.toSeconds === null
          ? ""
          : ` (song ${joinClock(seam.fromSeconds)} -> ${joinClock(seam.toSeconds)})`;
      return `  ${joinClock(seam.atSeconds)}${source}: ${seam.missed.map((miss) => missFigure(seam, miss)).join(", ")}`;
    }),
  ];
}

function missFigure(seam: SeamReading, miss: SeamReading["missed"][number]): string {
  if (miss === "click") {
    const own = seam.ownStep === null ? "" : `, the song's own ${seam.ownStep.toFixed(3)}`;
    return `${MISS_WORDS.click} (step ${seam.step.toFixed(3)}${own})`;
  }
  if (miss === "flux") return `${MISS_WORDS.flux} ${pastLimit(seam.fluxZ ?? 0, 1.5)} (limit 1.5)`;
  const change = seam.loudnessChangeLu ?? 0;
  return `${MISS_WORDS.loudness} ${change > 0 ? "+" : ""}${pastLimit(change, 1)} LU (limit ±1 LU)`;
}

/** `value` to one decimal, or to as many more as show it past `limit` (-1.0002 against ±1 is "-1.0002", not "-1.0"). */
export function pastLimit(value: number, limit: number): string {
  for (let digits = 1; digits < 4; digits++) {
    const figure = value.toFixed(digits);
    if (Math.abs(Number(figure)) > limit) return figure;
  }
  return value.toFixed(4);
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
    report.quality === undefined
      ? []
      : checkTargets(report.quality, {
          inputHasEnding: report.form === "song",
          shortestRepeatSeconds: report.shortestRepeatSeconds,
        });
  const summary = extendSummary(report, checks);
  for (const note of report.notes) console.error(`note: ${note}`);
  console.log(headline(report, run));
  for (const line of summary.lines) console.log(line);
  for (const warning of summary.warnings) console.error(`warning: ${warning}`);
  for (const [kind, path] of Object.entries(run.files)) if (kind !== "audio") console.log(`${kind}: ${path}`);
}

function headline(report: ExtensionReport, run: ExtendRun): string {
  const { input, output } = report;
  // Opus is always 48 kHz, and MP3 has rates of its own (a 96 kHz song is written at 48 kHz): the file holds the result
  // resampled.
  const written = encodedSampleRate(report.outputFormat, output.sampleRate);
  const rate = written === output.sampleRate ? `${written} Hz` : `${written} Hz, from ${output.sampleRate} Hz`;
  return (
    `${run.input} (${input.seconds.toFixed(1)} s) -> ${run.files.audio} (${output.seconds.toFixed(1)} s, ` +
    `${output.channels} ch, ${rate}) with the ${report.engine} engine` +
    `${report.backend ? ` on ${report.backend}` : ""}: ${piecesPhrase(report)}, ` +
    `${run.wallSeconds.toFixed(1)} s`
  );
}

/** After the format's name: a lossy result's encoder setting, why, and the headroom it was given ("" for lossless). */
export function encodingPhrase(report: Pick<ExtensionReport, "encoding">): string {
  const { encoding } = report;
  if (encoding === undefined) return "";
  const lowered =
    encoding.headroomDb < 0
      ? `, ${encoding.headroomDb.toFixed(1)} dB to peak no higher than ${encoding.headroomTo}`
      : "";
  return `; ${encoding.setting}, for ${encoding.reason}${lowered}`;
}

/** "1 seam", "2 seams". */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** What the result is made of: its seams, and for the neural engine its 10 s predictions (remix pieces are its seams). */
export function piecesPhrase(report: Pick<ExtensionReport, "engine" | "chunks" | "seams">): string {
  const seams = count(report.seams.length, "seam");
  return report.engine === "neural" ? `${count(report.chunks, "prediction")} of 10 s, ${seams}` : seams;
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
      ...joinsToHear(report.quality?.seamList ?? []),
    ],
    warnings: missedTargets(checks, report.quality?.seamList),
  };
}

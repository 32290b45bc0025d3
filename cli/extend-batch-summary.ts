import { count } from "./extend-summary.ts";
/** What became of one song of a folder. */
export type FileOutcome =
  | {
      readonly input: string;
      readonly status: "extended";
      readonly output: string;
      readonly inputSeconds: number;
      readonly outputSeconds: number;
      readonly wallSeconds: number;
      /** The harmonizer's files beside the result left from an earlier run, no longer written (the flag that stopped it). */
      readonly staleFiles?: readonly { readonly path: string; readonly flag: string }[];
    }
  | {
      readonly input: string;
      readonly status: "refused" | "failed";
      readonly reason: string;
      readonly wallSeconds: number;
    };

export interface FolderSummary {
  readonly outcomes: readonly FileOutcome[];
  readonly otherFiles: number;
  readonly wallSeconds: number;
  readonly json: boolean;
}

/**
 * The folder's summary on stdout: how many songs were extended, refused (the song or the command line was not
 * acceptable, with the reason) and failed (an error while extending or writing), each refused and failed one named.
 */
export function printFolderSummary(summary: FolderSummary): void {
  const { outcomes, otherFiles, wallSeconds } = summary;
  const of = (status: FileOutcome["status"]) => outcomes.filter((o) => o.status === status);
  const extended = of("extended");
  const refused = of("refused");
  const failed = of("failed");
  warnOfStaleFiles(extended);
  if (summary.json) {
    const totals = {
      songs: outcomes.length,
      extended: extended.length,
      refused: refused.length,
      failed: failed.length,
    };
    console.log(JSON.stringify({ ...totals, otherFiles, wallSeconds, files: outcomes }, null, 2));
    return;
  }
  console.log(
    `${count(outcomes.length, "song")}: ${extended.length} extended, ${refused.length} refused, ${failed.length} failed` +
      ` in ${wallSeconds.toFixed(1)} s (${(wallSeconds / Math.max(1, outcomes.length)).toFixed(1)} s a song)`,
  );
  for (const outcome of extended)
    if (outcome.status === "extended") console.log(`  extended ${outcome.input} -> ${outcome.output}`);
  for (const outcome of [...refused, ...failed]) {
    if (outcome.status !== "extended") console.log(`  ${outcome.status} ${outcome.input}: ${outcome.reason}`);
  }
  if (otherFiles > 0) console.log(`${count(otherFiles, "other file")} left alone (not a song by its extension)`);
}

/** Shown in full at most; the --json summary lists every one. */
const STALE_SHOWN = 5;

/**
 * One warning for the whole folder (a line per song would bury the summary) naming the files from an earlier run
 * that now lie beside results they do not describe, as the single-song command warns of each.
 */
function warnOfStaleFiles(extended: readonly FileOutcome[]): void {
  const stale = extended.flatMap((o) => (o.status === "extended" ? (o.staleFiles ?? []) : []));
  if (stale.length === 0) return;
  const flags = [...new Set(stale.map((s) => s.flag))].join(", ");
  const shown = stale.slice(0, STALE_SHOWN).map((s) => s.path);
  const more = stale.length > STALE_SHOWN ? ` and ${stale.length - STALE_SHOWN} more (--json lists them all)` : "";
  const what =
    stale.length === 1
      ? "is from an earlier run and describes that result, not this one"
      : "are from an earlier run and describe those results, not these";
  console.error(`warning: ${count(stale.length, "file")} ${what} (${flags}): ${shown.join(", ")}${more}`);
}

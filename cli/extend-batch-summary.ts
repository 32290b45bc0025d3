/** What became of one song of a folder. */
export type FileOutcome =
  | {
      readonly input: string;
      readonly status: "extended";
      readonly output: string;
      readonly inputSeconds: number;
      readonly outputSeconds: number;
      readonly wallSeconds: number;
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

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

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

/** Which tracks an evaluation script runs, what its tables call them, and the rows it writes. */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve, sep } from "node:path";
import type { Conductor } from "#engine/model/port.ts";

/**
 * The tracks a list file names, one path a line ('#' starts a comment, blank lines are skipped); a relative path is
 * resolved against `root` (the folder the Debian packages were unpacked into, or / where they are installed). Throws,
 * naming them, when listed files are missing, so that a run never scores fewer tracks than its list says.
 */
export async function readTrackList(listFile: string, root: string): Promise<string[]> {
  const paths = (await readFile(listFile, "utf8"))
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line.length > 0)
    .map((line) => (isAbsolute(line) ? line : resolve(root, line)));
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0)
    throw new Error(
      `${missing.length} of the ${paths.length} tracks listed in ${listFile} are missing under ${root} (first: ${missing[0]}); pass the folder the packages were unpacked into as --files-root`,
    );
  return paths;
}

/**
 * A name per track: its file name, or the shortest end of its path that no other track shares (two packages may both
 * hold music/music002.ogg); a file with a generic name (song.ogg) always keeps its folder.
 */
export function trackNames(paths: readonly string[]): Map<string, string> {
  const parts = paths.map((path) => path.split(sep).filter((p) => p.length > 0));
  const suffix = (i: number, n: number) => parts[i]!.slice(-n).join("/");
  return new Map(
    paths.map((path, i) => {
      let n = parts[i]!.at(-1) === "song.ogg" ? 2 : 1;
      while (
        n < parts[i]!.length &&
        parts.some((_, j) => j !== i && paths[j] !== path && suffix(j, n) === suffix(i, n))
      )
        n += 1;
      return [path, suffix(i, n)];
    }),
  );
}

/** One engine's result on one track, as eval-continuation --json writes it. */
export interface ContinuationRow {
  readonly track: string;
  readonly engine: string;
  readonly distance: number;
  readonly targetsMet: number;
  readonly targets: number;
  readonly seconds: number;
  /** CPU time of the whole process (every thread) while the engine extended. */
  readonly cpuSeconds: number;
  /** Share of the extension (60–180 s) played from the input's last RECENT_SHARE_SECONDS, when the engine says. */
  readonly recentShare?: number;
  /** The conductor's phrases chosen against the rules' first choice, of its decisions (from its notes). */
  readonly steered?: { readonly changed: number; readonly decisions: number; readonly outlook?: OutlookCount };
  /** The conductor's units of the recent bars chosen against the rules' cheapest join, of its decisions. */
  readonly rotation?: { readonly changed: number; readonly decisions: number };
}

/** Of the conductor's decisions, those its outlook made, and those where the 10 s prediction would have chosen otherwise. */
interface OutlookCount {
  readonly weighed: number;
  readonly changed: number;
}

/** The conductor with the near-tie margin and prediction weight given (the steering's defaults for those left out). */
export const withSay = (conductor: Conductor, tieMargin?: number, predictionWeight?: number): Conductor =>
  tieMargin === undefined && predictionWeight === undefined
    ? conductor
    : { ...conductor, say: { tieMargin, predictionWeight } };

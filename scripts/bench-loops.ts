/**
 * Loop points beside PyMusicLooper's, measured the same way.
 *
 *   npx tsx scripts/bench-loops.ts --pymusiclooper /work/pml/bin/pymusiclooper SONG...
 *
 * For each song: `harmonizer loop-points`' loop (found in this process: decode and search timed) and PyMusicLooper's
 * `export-points` (its best loop; its own process, timed from start to exit). Both joins are measured by one function,
 * measureLoopJoin (the extension report's seam metrics on the audio a player makes: the loop's end, then its start),
 * on the same decoded samples. Prints one Markdown row per song and the medians; the load average before and after
 * (wall times are only comparable under the same load).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename } from "node:path";
import { Command } from "commander";
import { analyseSignal } from "../engine/analysis/beats.ts";
import { decodeAudio } from "../engine/audio/index.ts";
import { type LoopJoin, measureLoopJoin } from "../engine/loop/loop-join.ts";
import { SEAMLESS } from "../engine/loop/loop-points.ts";
import { findSongLoop } from "../engine/loop/index.ts";

interface Row {
  readonly song: string;
  readonly seconds: number;
  readonly sampleRate: number;
  readonly ours: { start: number; end: number; found: boolean; join: LoopJoin; wall: number } | undefined;
  readonly theirs: { start: number; end: number; join: LoopJoin; wall: number } | undefined;
}

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const f = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined ? "–" : value.toFixed(digits);

/** Whether a join passes the join limits of SEAMLESS (the jump cost aside: it is defined on our beats only). */
const clean = (join: LoopJoin) =>
  join.stepRatio <= SEAMLESS.stepRatio &&
  Math.abs(join.loudnessChangeLu ?? 0) <= SEAMLESS.loudnessChangeLu &&
  (join.beatPhaseError ?? 0) <= SEAMLESS.beatPhaseError;

function pyMusicLooper(executable: string, song: string): { start: number; end: number; wall: number } | undefined {
  const started = performance.now();
  const out = execFileSync(executable, ["export-points", "--path", song], { encoding: "utf8" });
  const wall = (performance.now() - started) / 1000;
  const start = /LOOP_START:\s*(\d+)/.exec(out)?.[1];
  const end = /LOOP_END:\s*(\d+)/.exec(out)?.[1];
  return start && end ? { start: Number(start), end: Number(end), wall } : undefined;
}

async function measureSong(song: string, executable: string | undefined): Promise<Row> {
  const bytes = readFileSync(song);
  const started = performance.now();
  const found = await findSongLoop(bytes);
  const wall = (performance.now() - started) / 1000;
  const decoded = await decodeAudio(bytes);
  const audio = { sampleRate: decoded.sampleRate, channels: decoded.channels };
  const analysis = analyseSignal(audio);
  const search = found.search.found ? found.search.loop : found.search.best;
  const ours = search && { start: search.start, end: search.end, found: found.search.found, join: search.join, wall };
  const points = executable === undefined ? undefined : pyMusicLooper(executable, song);
  const theirs = points && { ...points, join: measureLoopJoin(audio, analysis, points.start, points.end) };
  return { song: basename(song), seconds: found.length / found.sampleRate, sampleRate: found.sampleRate, ours, theirs };
}

function printRows(rows: readonly Row[]): void {
  console.log(
    "| song | length s | tool | loop s (start–end) | step ratio | click ratio | loudness change LU | beat shift | onset bump sd | waveform error | passes | wall s |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const rate = row.sampleRate;
    for (const [tool, loop] of [
      ["harmonizer", row.ours],
      ["PyMusicLooper", row.theirs],
    ] as const) {
      if (loop === undefined) {
        console.log(`| ${row.song} | ${f(row.seconds, 1)} | ${tool} | none | | | | | | | | |`);
        continue;
      }
      const { join } = loop;
      const span = `${f((loop.end - loop.start) / rate, 1)} (${f(loop.start / rate, 2)}–${f(loop.end / rate, 2)})`;
      const passes = clean(join) ? "yes" : "no";
      const said = "found" in loop && !loop.found ? " (says: no seamless loop)" : "";
      console.log(
        `| ${row.song} | ${f(row.seconds, 1)} | ${tool}${said} | ${span} | ${f(join.stepRatio, 1)} | ${f(join.clickRatio, 1)} | ${f(join.loudnessChangeLu)} | ${f(join.beatPhaseError)} | ${f(join.fluxZ, 1)} | ${f(join.waveformError)} | ${passes} | ${f(loop.wall, 1)} |`,
      );
    }
  }
}

function printMedians(rows: readonly Row[]): void {
  for (const [tool, pick] of [
    ["harmonizer", (r: Row) => r.ours],
    ["PyMusicLooper", (r: Row) => r.theirs],
  ] as const) {
    const loops = rows.map(pick).filter((l) => l !== undefined);
    const joins = loops.map((l) => l.join);
    console.log(
      `${tool}: ${loops.length} loops; median step ratio ${f(median(joins.map((j) => j.stepRatio)), 1)}, click ratio ${f(median(joins.map((j) => j.clickRatio)), 1)}, ` +
        `|loudness change| ${f(median(joins.map((j) => Math.abs(j.loudnessChangeLu ?? NaN))))} LU, beat shift ` +
        `${f(median(joins.map((j) => j.beatPhaseError ?? NaN)))}, onset bump ${f(median(joins.map((j) => j.fluxZ ?? NaN)), 1)} sd, ` +
        `waveform error ${f(median(joins.map((j) => j.waveformError)))}; ${joins.filter(clean).length} pass the join limits; ` +
        `median wall ${f(median(loops.map((l) => l.wall)), 1)} s`,
    );
  }
}

const program = new Command()
  .option("--pymusiclooper <path>", "PyMusicLooper's executable (without it only the harmonizer is measured)")
  .argument("<songs...>")
  .parse();
const options = program.opts<{ pymusiclooper?: string }>();
const songs = program.processedArgs[0] as string[];
console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
const rows: Row[] = [];
for (const song of songs) {
  process.stderr.write(`${song}\n`);
  rows.push(await measureSong(song, options.pymusiclooper));
}
printRows(rows);
printMedians(rows);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

/**
 * The continuation protocol's summary, from the rows `eval-continuation --json` printed (one or more runs): per track
 * the conductor's, remix's and the loop's distances to the true continuation, then the medians, the geometric mean of
 * each engine's ratio to the loop (gm), the tracks where the conductor is closer or farther than remix with a sign test
 * on them, the tracks closer than the loop, and the median CPU seconds per engine. Markdown, as docs/continuation.md.
 *
 *   npx tsx scripts/continuation-summary.ts fresh.json [p19.json ...]
 */
import { readFile } from "node:fs/promises";
import { medianOf } from "#engine/quality/evaluate.ts";
import type { ContinuationRow as Row } from "./eval-tracks.ts";

const ENGINES = ["conductor", "remix", "loop"] as const;

/** Two-sided exact sign test: the chance of a split at least this uneven when either way is equally likely. */
function signTestP(wins: number, losses: number): number {
  const n = wins + losses;
  let tail = 0;
  let choose = 1;
  for (let k = 0; k <= Math.min(wins, losses); k++) {
    tail += choose;
    choose = (choose * (n - k)) / (k + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

const geometricMean = (values: readonly number[]): number =>
  Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);

function summarise(rows: readonly Row[]): string[] {
  const tracks = [...new Set(rows.map((r) => r.track))];
  const row = (track: string, engine: string) => rows.find((r) => r.track === track && r.engine === engine);
  const distance = (track: string, engine: string) => row(track, engine)?.distance ?? Number.NaN;
  const closest = (track: string) =>
    ENGINES.reduce((best, e) => (distance(track, e) < distance(track, best) ? e : best), ENGINES[0]);
  const lines = [
    "| track | conductor | remix | loop last 10 s | closest | conductor chose | targets (conductor, remix, loop) |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const track of tracks) {
    const best = Math.min(...ENGINES.map((e) => distance(track, e)));
    const cells = ENGINES.map((e) => {
      const text = distance(track, e).toFixed(2);
      return distance(track, e).toFixed(2) === best.toFixed(2) ? `**${text}**` : text;
    });
    const steered = row(track, "conductor")?.steered;
    const targets = ENGINES.map((e) => `${row(track, e)?.targetsMet}/${row(track, e)?.targets}`).join(", ");
    const rotation = row(track, "conductor")?.rotation;
    const chose = `${steered ? `${steered.changed} of ${steered.decisions}` : "-"}${rotation ? `; units ${rotation.changed} of ${rotation.decisions}` : ""}`;
    lines.push(`| ${track} | ${cells.join(" | ")} | ${closest(track)} | ${chose} | ${targets} |`);
  }
  const medians = ENGINES.map((e) => medianOf(tracks.map((t) => distance(t, e))) ?? Number.NaN);
  const gms = ENGINES.map((e) => geometricMean(tracks.map((t) => distance(t, e) / distance(t, "loop"))));
  const closer = (a: string, b: string) => tracks.filter((t) => distance(t, a) < distance(t, b) - 5e-3).length;
  const wins = closer("conductor", "remix");
  const losses = closer("remix", "conductor");
  const cpu = ENGINES.map((e) => medianOf(tracks.map((t) => row(t, e)?.cpuSeconds ?? Number.NaN)));
  lines.push(
    `| **median (x loop)** | ${medians.map((m) => `${m.toFixed(2)} (${(m / medians[2]!).toFixed(2)}x)`).join(" | ")} | | | |`,
    `| gm (ratio to the loop) | ${gms.map((g) => g.toFixed(3)).join(" | ")} | | | |`,
    `| closer than remix / farther | ${wins} / ${losses} (sign test p ${signTestP(wins, losses).toFixed(2)}) | - | | | | |`,
    `| closer than the loop (tracks) | ${closer("conductor", "loop")} | ${closer("remix", "loop")} | - | | | |`,
    `| closest on (tracks) | ${ENGINES.map((e) => tracks.filter((t) => closest(t) === e).length).join(" | ")} | | | |`,
    `| median CPU seconds to extend | ${cpu.map((c) => c?.toFixed(2) ?? "-").join(" | ")} | | | |`,
  );
  const differ = tracks.filter((t) => Math.abs(distance(t, "conductor") - distance(t, "remix")) >= 5e-3);
  const logRatios = differ.map((t) => Math.log(distance(t, "conductor") / distance(t, "remix")));
  lines.push(
    "",
    `${tracks.length} tracks; the conductor and remix differ (by 0.005 or more) on ${differ.length}: median ratio conductor/remix there ${Math.exp(medianOf(logRatios) ?? 0).toFixed(3)}, geometric mean ${geometricMean(differ.map((t) => distance(t, "conductor") / distance(t, "remix"))).toFixed(3)}`,
  );
  return lines;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error(
    "usage: npx tsx scripts/continuation-summary.ts ROWS.json [MORE.json ...] (from eval-continuation --json)",
  );
  process.exit(2);
}
const rows = (await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, "utf8")) as Row[]))).flat();
console.log(summarise(rows).join("\n"));

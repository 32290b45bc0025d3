/**
 * A folder of songs in one command against one command per song, beside PyMusicLooper's folder mode.
 *
 *   npx tsx scripts/bench-batch.ts --to 600 [--runs 1] [--lean] [--pymusiclooper PATH] SONG...
 *
 * The songs are copied into a fresh folder. Then, alternately and --runs times each: `harmonizer extend DIR -o OUT`
 * (one process: the model and the input-analysis thread load once), `harmonizer extend SONG -o OUT/...` once per song, and
 * PyMusicLooper's `extend --path DIR --extended-length SECONDS --format WAV` (its folder mode, if given). Prints each
 * one's wall time, per song, the folder command's saving per song and the load average before and after (the machine
 * may be shared: compare within one run, where the commands alternate). --lean: the harmonizer writes the song alone
 * (--no-report --no-picture --no-page: no quality analysis), as PyMusicLooper does.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join, parse, resolve } from "node:path";
import { Command } from "commander";

const CLI = resolve(import.meta.dirname, "../bin/harmonizer.mjs");

/** Runs a command; its wall time in seconds, or throws with its stderr. */
function timed(executable: string, args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(executable, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${basename(executable)} ${args.join(" ")} failed:\n${result.stderr}`);
  return (performance.now() - started) / 1000;
}

const program = new Command()
  .requiredOption("--to <seconds>", "length of every result", Number)
  .option("--runs <n>", "alternations", Number, 1)
  .option("--lean", "the harmonizer writes the song alone (no report, picture or page)", false)
  .option("--pymusiclooper <path>", "PyMusicLooper's executable (without it that column is skipped)")
  .argument("<songs...>")
  .parse();
const options = program.opts<{ to: number; runs: number; lean: boolean; pymusiclooper?: string }>();
const songs = program.processedArgs[0] as string[];
const work = mkdtempSync(join(tmpdir(), "bench-batch-"));
const folder = join(work, "songs");
spawnSync("mkdir", ["-p", folder]);
for (const song of songs) copyFileSync(song, join(folder, basename(song)));
const lean = options.lean ? ["--no-report", "--no-picture", "--no-page"] : [];
const flags = ["--to", String(options.to), "--no-progress", ...lean];

const contenders: Record<string, (out: string) => number> = {
  "harmonizer extend DIR (one process)": (out) => timed(process.execPath, [CLI, "extend", folder, "-o", out, ...flags]),
  "harmonizer extend SONG, once per song": (out) =>
    readdirSync(folder).reduce(
      (sum, name) =>
        sum + timed(process.execPath, [CLI, "extend", join(folder, name), "-o", join(out, parse(name).name), ...flags]),
      0,
    ),
};
if (options.pymusiclooper) {
  const executable = options.pymusiclooper;
  contenders["PyMusicLooper extend --path DIR"] = (out) =>
    timed(executable, [
      "extend",
      "--path",
      folder,
      "--extended-length",
      String(options.to),
      "--format",
      "WAV",
      "--output-dir",
      out,
    ]);
}

console.log(
  `${songs.length} songs to ${options.to} s${options.lean ? " (lean)" : ""}; load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
const walls: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
for (let run = 0; run < options.runs; run++) {
  for (const [name, contend] of Object.entries(contenders)) {
    const out = join(work, `out-${run}-${Object.keys(walls).indexOf(name)}`);
    walls[name]!.push(contend(out));
    rmSync(out, { recursive: true, force: true });
    process.stderr.write(`${name}: ${walls[name]!.at(-1)!.toFixed(1)} s\n`);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
console.log("| command | wall s (median) | per song s |\n|---|---|---|");
for (const [name, values] of Object.entries(walls)) {
  console.log(`| ${name} | ${median(values).toFixed(1)} | ${(median(values) / songs.length).toFixed(1)} |`);
}
const [batch, single] = Object.values(walls).map(median);
console.log(
  `one process saves ${((single! - batch!) / songs.length).toFixed(1)} s a song (${((1 - batch! / single!) * 100).toFixed(0)} %)`,
);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
rmSync(work, { recursive: true, force: true });

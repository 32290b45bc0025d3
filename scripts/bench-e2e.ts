/**
 * End to end: the whole CLI extending a 3–4 minute song to 10 minutes, beside the tool people would pick instead.
 *
 *   npx tsx scripts/bench-e2e.ts [--song FILE] [--runs 3] [--pymusiclooper PATH] [--baseline DIR]
 *
 * The song: --song, else a corpus track of 3–4 minutes when `npm run fetch-corpus` has run, else a generated one.
 * Runs, alternately and `--runs` times each: `harmonizer extend` (default engine, everything written), the same with
 * `--no-report --no-picture --no-page`, and PyMusicLooper's `extend` (PyPI; give its executable with
 * --pymusiclooper or put it on PATH; without it that column is skipped, with a note). Prints each command's wall
 * time (minimum, median, maximum), the ratios of the medians, the harmonizer's own step timings (its report's
 * timingsMs, medians) and the load average before and after (the machine may be shared: timings are only comparable
 * within one run, where the commands alternate). --baseline adds the CLI of another checkout of this repository (e.g.
 * `git archive <commit> | tar -x -C DIR` with node_modules linked in), everything on, to the alternation: a before
 * and after under the same load.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { encodeWav } from "../engine/audio/index.ts";
import { synthesizeSong } from "../engine/synth/song.ts";

const TARGET_SECONDS = 600;
const ROOT = resolve(import.meta.dirname, "..");

interface Contender {
  readonly name: string;
  /** Runs once; returns the harmonizer's step timings (report.timingsMs), if it gives them. */
  readonly run: (song: string, out: string) => Record<string, number> | undefined;
}

function pickSong(given: string | undefined, work: string): string {
  if (given) return given;
  const corpus = join(ROOT, "corpus/music/northerners.ogg");
  if (existsSync(corpus)) return corpus;
  const path = join(work, "generated.wav");
  writeFileSync(path, encodeWav(synthesizeSong({ seconds: 224, sampleRate: 44_100, channels: 2, seed: 3 }), 16));
  process.stderr.write("no corpus: using a generated 3:44 song\n");
  return path;
}

function harmonizer(name: string, extra: readonly string[], root = ROOT): Contender {
  return {
    name,
    run: (song, out) => {
      const stdout = execFileSync(
        process.execPath,
        [
          join(root, "bin/harmonizer.mjs"),
          "extend",
          song,
          "--to",
          String(TARGET_SECONDS),
          "-o",
          join(out, "x.wav"),
          "--no-progress",
          "--json",
          ...extra,
        ],
        { stdio: ["ignore", "pipe", "ignore"], maxBuffer: 16 * 1024 * 1024 },
      );
      return (JSON.parse(stdout.toString()) as { timingsMs: Record<string, number> }).timingsMs;
    },
  };
}

function pyMusicLooper(executable: string): Contender {
  return {
    name: "PyMusicLooper extend",
    run: (song, out) => {
      const args = [
        "extend",
        "--path",
        song,
        "--extended-length",
        String(TARGET_SECONDS),
        "--format",
        "WAV",
        "--output-dir",
        out,
      ];
      const result = spawnSync(executable, args, { stdio: "ignore" });
      // It exits 0 even when it finds no loop: a run counts only when it wrote a file.
      if (result.status !== 0 || readdirSync(out).length === 0) throw new Error("PyMusicLooper wrote no result");
      return undefined;
    },
  };
}

function stats(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
}

function run(): void {
  const options = new Command()
    .option("--song <file>", "the song to extend (default: a 3-4 min corpus track, else a generated one)")
    .option("--runs <n>", "runs per command", (v) => Number.parseInt(v, 10), 3)
    .option("--pymusiclooper <path>", "PyMusicLooper's executable", "pymusiclooper")
    .option("--baseline <dir>", "another checkout whose CLI to time beside this one (everything on)")
    .parse(process.argv)
    .opts<{ song?: string; runs: number; pymusiclooper: string; baseline?: string }>();
  const work = mkdtempSync(join(tmpdir(), "bench-e2e-"));
  const song = pickSong(options.song, work);
  const contenders = [
    harmonizer("harmonizer extend", []),
    harmonizer("... --no-report --no-picture --no-page", ["--no-report", "--no-picture", "--no-page"]),
    ...(options.baseline ? [harmonizer(`harmonizer extend (${options.baseline})`, [], resolve(options.baseline))] : []),
  ];
  const found = spawnSync(options.pymusiclooper, ["--version"], { stdio: "ignore" }).status === 0;
  if (found) {
    const peer = pyMusicLooper(options.pymusiclooper);
    // Its first call compiles (numba, about 2 minutes): warm it up untimed so the runs compare steady states.
    const warm = mkdtempSync(join(work, "warm-"));
    peer.run(song, warm);
    contenders.push(peer);
  } else
    console.log(
      `PyMusicLooper not found (${options.pymusiclooper}): its column is skipped. pip install pymusiclooper==3.6.0 into a venv and pass --pymusiclooper.`,
    );
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const steps = new Map<string, Record<string, number>[]>(contenders.map((c) => [c.name, []]));
  const loadBefore = loadavg();
  for (let r = 0; r < options.runs; r++) {
    for (const contender of contenders) {
      const out = mkdtempSync(join(work, "out-"));
      const started = performance.now();
      const timings = contender.run(song, out);
      times.get(contender.name)!.push((performance.now() - started) / 1000);
      if (timings) steps.get(contender.name)!.push(timings);
      rmSync(out, { recursive: true, force: true });
    }
  }
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(", ");
  console.log(`load average (1, 5, 15 min): before ${load(loadBefore)}; after ${load(loadavg())}`);
  console.log(`${song} -> ${TARGET_SECONDS} s, ${options.runs} runs each, wall seconds (min / median / max)`);
  const medians = new Map<string, number>();
  for (const [name, values] of times) {
    const s = stats(values);
    medians.set(name, s.median);
    console.log(`  ${name.padEnd(42)} ${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)}`);
  }
  for (const [name, runs] of steps) {
    if (runs.length === 0) continue;
    const keys = Object.keys(runs[0]!);
    const median = (key: string) => stats(runs.map((t) => t[key] ?? 0)).median / 1000;
    console.log(`  ${name}: its own timings, median s: ${keys.map((k) => `${k} ${median(k).toFixed(2)}`).join(", ")}`);
  }
  const peer = medians.get("PyMusicLooper extend");
  if (peer !== undefined) {
    for (const [name, median] of medians)
      if (name !== "PyMusicLooper extend") console.log(`  ${name}: ${(median / peer).toFixed(2)}x PyMusicLooper`);
  }
  rmSync(work, { recursive: true, force: true });
}

run();

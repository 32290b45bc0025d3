/**
 * Scores several conductors on the same held-out songs in ONE standardised space, beside the baselines and a fitted
 * linear reference. `harmonizer evaluate` scores each conductor in its own training set's space, so two conductors
 * trained on different data cannot be compared by its figures; here every prediction and truth is standardised with
 * the first model's statistics (or --space's).
 *
 *   npx tsx scripts/compare-conductors.ts --models models/conductor /tmp/wide --files A.ogg B.ogg ...
 *     [--fit C.ogg ...] [--space MODEL_DIR] [--json out.json] [--cache DIR]
 *
 * --fit: songs to fit the linear reference on (per predicted second, 6 coefficients shared by every feature: an
 * intercept, the last frame and the means of the last 3/5/10/20 s, as docs/model.md's reference), never the scored
 * songs. Prints the mean over windows, the mean over songs, and each song's MSE.
 */
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Command } from "commander";
import { loadConductor } from "#engine/model/conductor.ts";
import { loadModelMeta } from "#engine/model/io.ts";
import type { Standardisation } from "#engine/model/standardise.ts";
import { CONDUCTOR_METHODS, evaluateConductor, METHOD_LABELS } from "#engine/training/conductor-evaluate.ts";
import { loadFileFrames } from "#engine/training/feature-cache.ts";
import type { FileFrames } from "#engine/training/feature-windows.ts";

const CONTEXT = 20;
const HORIZON = 10;
const MEANS = [3, 5, 10, 20] as const;

async function frames(paths: readonly string[], cacheDir: string): Promise<FileFrames[]> {
  const out: FileFrames[] = [];
  for (const file of paths) out.push(...(await loadFileFrames("/", [file], { cacheDir })));
  return out.map((f, i) => ({ ...f, name: basename(paths[i]!) }));
}

const standardise = (files: readonly FileFrames[], s: Standardisation): Float64Array[][] =>
  files.map((f) => f.frames.map((frame) => Float64Array.from(s.mean, (m, d) => (frame[d]! - m) / s.std[d]!)));

/** The reference's inputs at window end `end` for feature d: 1, the last frame, the means of the last 3/5/10/20 s. */
function inputs(z: readonly Float64Array[], end: number, d: number): number[] {
  const row = [1, z[end - 1]![d]!];
  for (const n of MEANS) {
    let sum = 0;
    for (let k = end - n; k < end; k++) sum += z[k]![d]!;
    row.push(sum / n);
  }
  return row;
}

/** Least squares per predicted second (normal equations, a tiny ridge for safety) over every window of `songs`. */
function fitLinear(songs: readonly Float64Array[][], hop: number): number[][] {
  const p = 2 + MEANS.length;
  return Array.from({ length: HORIZON }, (_, h) => {
    const a = Array.from({ length: p }, () => new Float64Array(p));
    const b = new Float64Array(p);
    for (const z of songs)
      for (let end = CONTEXT; end + HORIZON <= z.length; end += hop)
        for (let d = 0; d < z[0]!.length; d++) {
          const x = inputs(z, end, d);
          const y = z[end + h]![d]!;
          for (let i = 0; i < p; i++) {
            b[i]! += x[i]! * y;
            for (let j = 0; j < p; j++) a[i]![j]! += x[i]! * x[j]!;
          }
        }
    for (let i = 0; i < p; i++) a[i]![i]! += 1e-6;
    return solve(a, b);
  });
}

function solve(a: Float64Array[], b: Float64Array): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    const pivot = m.slice(c).reduce((best, row, i) => (Math.abs(row[c]!) > Math.abs(m[best]![c]!) ? c + i : best), c);
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** MSE of the linear reference per song (the same windows as evaluateConductor: every second). */
function scoreLinear(songs: readonly Float64Array[][], coef: number[][]): { windows: number; mse: number }[] {
  return songs.map((z) => {
    let sum = 0;
    let windows = 0;
    for (let end = CONTEXT; end + HORIZON <= z.length; end += 1) {
      let squared = 0;
      for (let d = 0; d < z[0]!.length; d++) {
        const x = inputs(z, end, d);
        for (let h = 0; h < HORIZON; h++) {
          const guess = coef[h]!.reduce((acc, c, i) => acc + c * x[i]!, 0);
          squared += (guess - z[end + h]![d]!) ** 2;
        }
      }
      sum += squared / (HORIZON * z[0]!.length);
      windows += 1;
    }
    return { windows, mse: windows > 0 ? sum / windows : Number.NaN };
  });
}

const program = new Command()
  .requiredOption("--models <dirs...>", "conductor folders to compare")
  .requiredOption("--files <files...>", "songs to score")
  .option("--fit <files...>", "songs to fit the linear reference on")
  .option("--space <dir>", "model whose standardisation every score uses (default: the first of --models)")
  .option("--json <file>", "also write the figures as JSON")
  .option("--cache <dir>", "second-frames cache folder", join(tmpdir(), "harmonizer-cache"))
  .parse();
const opts = program.opts<{
  models: string[];
  files: string[];
  fit?: string[];
  space?: string;
  json?: string;
  cache: string;
}>();
const cacheDir = opts.cache;
const space = (await loadModelMeta(opts.space ?? opts.models[0]!)).features!.standardisation;
const scored = await frames(opts.files, cacheDir);

const rows: Record<string, { perSong: number[]; windowMean: number }> = {};
let windowsPerSong: number[] = [];
for (const dir of opts.models) {
  const conductor = await loadConductor(dir);
  const result = await evaluateConductor({ conductor, files: scored, standardisation: space, hopFrames: 1 });
  windowsPerSong = result.files.map((f) => f.windows);
  rows[dir] = { perSong: result.files.map((f) => f.scores.conductor.mse), windowMean: result.mean.conductor.mse };
  if (dir === opts.models[0])
    for (const m of CONDUCTOR_METHODS.slice(1))
      rows[METHOD_LABELS[m]] = { perSong: result.files.map((f) => f.scores[m].mse), windowMean: result.mean[m].mse };
}
if (opts.fit) {
  const coef = fitLinear(standardise(await frames(opts.fit, cacheDir), space), 2);
  const linear = scoreLinear(standardise(scored, space), coef).filter((s) => s.windows > 0);
  const total = linear.reduce((acc, s) => acc + s.windows, 0);
  rows[`linear reference (fitted on ${opts.fit.length} songs)`] = {
    perSong: linear.map((s) => s.mse),
    windowMean: linear.reduce((acc, s) => acc + s.mse * s.windows, 0) / total,
  };
}

const names = Object.keys(rows);
const songMean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const best = (i: number) => names.reduce((b, n) => (rows[n]!.perSong[i]! < rows[b]!.perSong[i]! ? n : b), names[0]!);
const songs = windowsPerSong.length;
console.log(`| method | MSE (windows) | MSE (mean over songs) | songs where best |`);
console.log(`|---|---|---|---|`);
for (const n of names) {
  const wins = Array.from({ length: songs }, (_, i) => best(i)).filter((b) => b === n).length;
  const r = rows[n]!;
  console.log(`| ${n} | ${r.windowMean.toFixed(3)} | ${songMean(r.perSong).toFixed(3)} | ${wins} of ${songs} |`);
}
const [first, second] = opts.models;
if (first && second) {
  const better = rows[second]!.perSong.filter((v, i) => v < rows[first]!.perSong[i]!).length;
  console.log(`\n${second} closer than ${first} on ${better} of ${songs} songs`);
}
const kept = scored.filter((f) => f.frames.length >= CONTEXT + HORIZON).map((f) => f.name);
console.log(`\n| song | windows | ${names.join(" | ")} |`);
for (const [i, name] of kept.entries())
  console.log(`| ${name} | ${windowsPerSong[i]} | ${names.map((n) => rows[n]!.perSong[i]!.toFixed(3)).join(" | ")} |`);
console.log(
  `\n${windowsPerSong.reduce((a, b) => a + b, 0)} windows; standardised with ${opts.space ?? first}'s statistics`,
);
if (opts.json) await writeFile(opts.json, JSON.stringify({ space: opts.space ?? first, songs: kept, rows }, null, 1));

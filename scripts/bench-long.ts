/**
 * Long versions: a 3–4 minute MP3 extended to 10 minutes, 1 hour and 10 hours, as a 16-bit WAV and as an MP3 (or Ogg
 * Vorbis), beside
 * PyMusicLooper on the same jobs. Prints each job's wall time, CPU time (all threads) and peak resident memory (the process's VmHWM, sampled
 * from /proc while it runs: Linux only), the ratios to PyMusicLooper, how 1 h and 10 h scale against 10 minutes, and
 * the load average before and after (the machine may be shared: compare within one run).
 *
 *   npx tsx scripts/bench-long.ts [--song FILE] [--lengths 600,3600,36000] [--formats wav,mp3,ogg]
 *                                 [--pymusiclooper PATH] [--no-looper] [--measure] [--encode-threads 1,2]
 *
 * The song: --song, else the first 3:30 of an MP3 of asc-music (Debian, outside the corpus) re-encoded at 192 kbit/s
 * 44.1 kHz by ffmpeg, else a generated 3:30 song written by the engine's own MP3 encoder. The harmonizer runs with
 * its picture and without the quality report and page; --measure turns the report on (the CLI's default; its memory
 * does not grow with the length either, docs/long-versions.md). PyMusicLooper (PyPI, 3.6.0; its first call compiles for about
 * 2 minutes, which is not counted: a warm-up run comes first) is skipped with a note when it is not found, or with
 * --no-looper. --encode-threads runs each job once per thread count given (harmonizer's --encode-threads), side by side.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { encodeAudio } from "../engine/audio/encode/index.ts";
import { synthesizeSong } from "../engine/synth/song.ts";
import { type Measured, measureProcess } from "./measure-process.ts";

const ROOT = resolve(import.meta.dirname, "..");
const ASC_MP3 = "/work/music/root/usr/share/games/asc/music/frontiers.mp3";

/** Runs a command to its end, sampling its peak resident set every 50 ms. */

async function pickSong(given: string | undefined, work: string): Promise<string> {
  if (given) return given;
  const path = join(work, "song.mp3");
  const ffmpeg = existsSync(ASC_MP3)
    ? spawnSync(
        "ffmpeg",
        ["-v", "error", "-y", "-i", ASC_MP3, "-t", "210", "-af", "afade=t=out:st=204:d=6"].concat([
          "-ar",
          "44100",
          "-ac",
          "2",
          "-c:a",
          "libmp3lame",
          "-b:a",
          "192k",
          path,
        ]),
      )
    : undefined;
  if (ffmpeg?.status === 0) return path;
  const song = synthesizeSong({ seconds: 210, sampleRate: 44_100, channels: 2, seed: 3 });
  writeFileSync(path, await encodeAudio(song, "mp3"));
  process.stderr.write("no asc-music or ffmpeg: using a generated 3:30 song\n");
  return path;
}

function findPyMusicLooper(given: string | undefined): string | undefined {
  const candidates = [given, "/work/pml/bin/pymusiclooper", "pymusiclooper"].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
}

const mb = (m: Measured) => (m.ok ? `${Math.round(m.peakMb)} MB` : "failed");
const wall = (m: Measured) => (m.ok ? `${m.seconds.toFixed(1)} s` : `failed: ${m.note}`);
const cpu = (m: Measured) => (m.ok ? `${m.cpuSeconds.toFixed(1)} s` : "–");
type Format = "wav" | "mp3" | "ogg";
const FORMAT_LABELS: Record<Format, string> = { wav: "16-bit WAV", mp3: "MP3", ogg: "Ogg Vorbis" };
const clock = (s: number) => (s >= 3600 ? `${s / 3600} h` : `${s / 60} min`);

async function main(): Promise<void> {
  const options = new Command()
    .option("--song <file>")
    .option("--lengths <list>", "target lengths, seconds", "600,3600,36000")
    .option("--formats <list>", "wav (16-bit), mp3 and/or ogg (Vorbis)", "wav,mp3")
    .option("--pymusiclooper <path>")
    .option("--measure", "with the quality report (the CLI's default)", false)
    .option("--no-looper", "skip PyMusicLooper")
    .option("--encode-threads <list>", "harmonizer's --encode-threads, one run each (default: its own default)")
    .parse()
    .opts<{
      song?: string;
      lengths: string;
      formats: string;
      pymusiclooper?: string;
      measure: boolean;
      looper: boolean;
      encodeThreads?: string;
    }>();
  const work = mkdtempSync(join(tmpdir(), "bench-long-"));
  try {
    const song = await pickSong(options.song, work);
    const looper = options.looper ? findPyMusicLooper(options.pymusiclooper) : undefined;
    const threadCounts = options.encodeThreads?.split(",").map(Number) ?? [undefined];
    if (!looper)
      process.stderr.write("PyMusicLooper not found (pip install pymusiclooper==3.6.0): its column is skipped\n");
    const lengths = options.lengths.split(",").map(Number);
    const formats = options.formats.split(",") as Format[];
    const loadBefore = loadavg()[0]!;
    if (looper) await runLooper(looper, song, 60, "wav", work); // warm-up: numba compiles on the first call
    const rows: { length: number; format: string; threads?: number; ours: Measured; theirs?: Measured }[] = [];
    for (const length of lengths) {
      for (const format of formats) {
        const theirs = looper ? await runLooper(looper, song, length, format, work) : undefined;
        for (const threads of threadCounts) {
          const ours = await runHarmonizer(song, length, format, work, options.measure, threads);
          rows.push({ length, format, threads, ours, theirs });
          process.stderr.write(
            `${clock(length)} ${format} (${threads ?? "default"} threads): ${wall(ours)}, ${mb(ours)}\n`,
          );
        }
      }
    }
    console.log(
      `song: ${song} (${statSync(song).size} bytes); load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
    );
    console.log(
      "\n| job | harmonizer wall | harmonizer CPU | harmonizer peak RSS | PyMusicLooper wall | PyMusicLooper peak RSS | wall ratio |",
    );
    console.log("|---|---|---|---|---|---|---|");
    for (const { length, format, threads, ours, theirs } of rows) {
      const ratio = theirs?.ok && ours.ok ? (ours.seconds / theirs.seconds).toFixed(2) : "–";
      console.log(
        `| ${clock(length)}, ${FORMAT_LABELS[format as Format]} out${threads ? `, ${threads} encoding thread${threads > 1 ? "s" : ""}` : ""} | ${wall(ours)} | ${cpu(ours)} | ${mb(ours)} | ${theirs ? wall(theirs) : "–"} | ${theirs ? mb(theirs) : "–"} | ${ratio} |`,
      );
    }
    for (const format of formats) {
      const of = (length: number) =>
        rows.find((r) => r.length === length && r.format === format && r.threads === threadCounts.at(-1))?.ours;
      const base = of(lengths[0]!);
      for (const length of lengths.slice(1)) {
        const other = of(length);
        if (base?.ok && other?.ok)
          console.log(
            `${format}: ${clock(length)} costs ${(other.seconds / base.seconds).toFixed(2)}x the ${clock(lengths[0]!)} job (peak memory ${(other.peakMb / base.peakMb).toFixed(2)}x)`,
          );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function runHarmonizer(
  song: string,
  length: number,
  format: Format,
  work: string,
  withReport: boolean,
  threads?: number,
) {
  const out = join(work, `h-${length}.${format}`);
  const result = await measureProcess(process.execPath, [
    join(ROOT, "bin/harmonizer.mjs"),
    "extend",
    song,
    "--to",
    String(length),
    "-o",
    out,
    "--format",
    format,
    "--no-progress",
    "--no-page",
    ...(withReport ? [] : ["--no-report"]),
    ...(threads ? ["--encode-threads", String(threads)] : []),
  ]);
  for (const file of readdirSync(work)) if (file.startsWith(`h-${length}.`)) rmSync(join(work, file));
  return result;
}

async function runLooper(looper: string, song: string, length: number, format: Format, work: string) {
  const dir = mkdtempSync(join(work, "pml-"));
  const result = await measureProcess(looper, [
    "extend",
    "--path",
    song,
    "--extended-length",
    String(length),
    "--format",
    format.toUpperCase(),
    "--output-dir",
    dir,
  ]);
  // It exits 0 even when it finds no loop: only a written file counts.
  const wrote = readdirSync(dir).length > 0;
  rmSync(dir, { recursive: true, force: true });
  return wrote ? result : { ...result, ok: false, note: "no file written" };
}

await main();

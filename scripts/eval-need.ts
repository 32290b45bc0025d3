/**
 * Proportionate edits on real songs: each song made a little longer (+10 s), longer (+60 s) and shorter (75 % of its
 * length) by the default engine, and each result checked as a user would: exactly the asked length, the intro kept
 * (the song's first samples, bit for bit), the song's own ending kept, and how much of the song is heard (coverage).
 *
 *   npx tsx scripts/eval-need.ts --files F... [--conductor DIR] [--json]
 *
 * Prints one line per run and a summary: runs exact, intro kept, ending kept, lengthened runs with coverage >= 98 %.
 */
import { basename } from "node:path";
import { Command } from "commander";
import { decodeAudioFile } from "#engine/audio/decode.ts";
import type { PcmAudio } from "#engine/audio/pcm.ts";
import { makeExtenders } from "#engine/extend/extenders.ts";
import { hasModel } from "#engine/job.ts";
import { loadConductor } from "#engine/model/conductor.ts";
import { analyseOriginal, measureExtension } from "#engine/quality/measure.ts";

interface NeedOptions {
  files: string[];
  conductor: string;
  json: boolean;
}

/** The three targets, from a song's length in seconds. */
const TARGETS: readonly { label: string; seconds: (song: number) => number }[] = [
  { label: "+10 s", seconds: (song) => song + 10 },
  { label: "+60 s", seconds: (song) => song + 60 },
  { label: "75 %", seconds: (song) => Math.round(75 * song) / 100 },
];

/** How far before a join its crossfade and alignment may change samples, seconds (render.ts: 30 ms + half of 120 ms). */
const JOIN_REACH_SECONDS = 0.1;

interface NeedRun {
  track: string;
  songSeconds: number;
  target: string;
  targetSeconds: number;
  form?: string;
  exact: boolean;
  introKept: boolean;
  /** null: continue form of a song with no ending of its own (it fades out). */
  endingKept: boolean | null;
  introSeconds: number;
  coveragePercent: number | null;
  joins: number;
  clicks: number;
  shortestLoopSeconds: number;
  longestVerbatimRunSeconds: number;
  seconds: number;
}

async function run(options: NeedOptions): Promise<void> {
  if (!hasModel(options.conductor)) throw new Error(`no conductor in ${options.conductor}`);
  const extend = makeExtenders(["conductor"], { conductor: await loadConductor(options.conductor) }).conductor!;
  const runs: NeedRun[] = [];
  for (const path of options.files) {
    const decoded = await decodeAudioFile(path);
    const input: PcmAudio = { sampleRate: decoded.sampleRate, channels: decoded.channels };
    const songSeconds = decoded.channels[0]!.length / decoded.sampleRate;
    const originalAnalysis = analyseOriginal(input);
    for (const target of TARGETS) {
      const targetSeconds = target.seconds(songSeconds);
      const started = performance.now();
      const result = await extend(input, targetSeconds);
      const seconds = (performance.now() - started) / 1000;
      const report = await measureExtension(
        { original: input, result: result.audio, seams: result.seams, introSeconds: result.introSeconds },
        { originalAnalysis },
      );
      // The first join may sit right at the intro's end: its crossfade (up to 120 ms for soft attacks, centred) and
      // its search for a smooth join (30 ms) reach up to 90 ms back.
      const intro = Math.round(((result.introSeconds ?? songSeconds) - JOIN_REACH_SECONDS) * input.sampleRate);
      const out = result.audio.channels;
      const line: NeedRun = {
        track: basename(path),
        songSeconds,
        target: target.label,
        targetSeconds,
        form: result.form,
        exact: out[0]!.length === Math.round(targetSeconds * input.sampleRate),
        introKept: intro > 0 && input.channels.every((c, i) => c.subarray(0, intro).every((v, k) => v === out[i]![k])),
        endingKept: result.form === "continue" && !report.endsWithInputEnding ? null : report.endsWithInputEnding,
        introSeconds: result.introSeconds ?? songSeconds,
        coveragePercent: report.coveragePercent,
        joins: report.seamCount,
        clicks: report.clicksAtSeams,
        shortestLoopSeconds: report.shortestLoopSeconds,
        longestVerbatimRunSeconds: report.longestVerbatimRunSeconds,
        seconds,
      };
      runs.push(line);
      if (!options.json) console.log(formatRun(line));
    }
  }
  if (options.json) console.log(JSON.stringify({ runs }, null, 2));
  else console.log(`\n${summary(runs)}`);
}

const yes = (b: boolean) => (b ? "yes" : "NO");

function formatRun(r: NeedRun): string {
  return [
    `${r.track} (${r.songSeconds.toFixed(1)} s) ${r.target} -> ${r.targetSeconds.toFixed(2)} s [${r.form} form]:`,
    `exact ${yes(r.exact)}`,
    `intro ${yes(r.introKept)} (${r.introSeconds.toFixed(1)} s)`,
    `ending ${r.endingKept === null ? "n/a (none of its own)" : yes(r.endingKept)}`,
    `coverage ${r.coveragePercent?.toFixed(1) ?? "-"} %`,
    `joins ${r.joins}`,
    `clicks ${r.clicks}`,
    `loop ${r.shortestLoopSeconds.toFixed(1)} s`,
    `verbatim ${r.longestVerbatimRunSeconds.toFixed(1)} s`,
    `${r.seconds.toFixed(1)} s to make`,
  ].join("  ");
}

function summary(runs: readonly NeedRun[]): string {
  const count = (f: (r: NeedRun) => boolean) => `${runs.filter(f).length} of ${runs.length}`;
  const longer = runs.filter((r) => r.targetSeconds > r.songSeconds);
  const covered = longer.filter((r) => (r.coveragePercent ?? 0) >= 98).length;
  return [
    `exact: ${count((r) => r.exact)}; intro kept: ${count((r) => r.introKept)}; ending kept: ${count((r) => r.endingKept !== false)} (n/a: ${runs.filter((r) => r.endingKept === null).length})`,
    `lengthened runs with coverage >= 98 %: ${covered} of ${longer.length}`,
  ].join("\n");
}

function parseArguments(argv: string[]): NeedOptions {
  return new Command()
    .name("eval-need")
    .description("+10 s, +60 s and 75 % of each song: exact, intro and ending kept, coverage")
    .requiredOption("--files <files...>", "the songs")
    .option("--conductor <dir>", "conductor model (the default engine's)", "models/conductor")
    .option("--json", "print JSON instead of lines", false)
    .parse(argv)
    .opts<NeedOptions>();
}

await run(parseArguments(process.argv));

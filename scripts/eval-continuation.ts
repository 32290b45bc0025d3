/**
 * Where the song goes: the continuation protocol. The first 60 s of each held-out corpus track that is at least 181 s
 * long are extended to 180 s, and the extension (60–180 s) is compared with what the composer actually wrote there by
 * the timbre distance of engine/quality (Fréchet distance of MFCC 1–12 statistics; lower is closer).
 *
 *   npx tsx scripts/eval-continuation.ts [--corpus corpus] [--conductor models/conductor] [--files A.ogg B.mp3 ...]
 *     [--no-corpus] [--json]
 *
 * --files adds tracks from outside the corpus (also 181 s or more); --no-corpus leaves the corpus's out.
 * Engines: conductor (the model chooses each phrase), remix (the rules alone) and the loop-the-last-10-s baseline.
 * Also prints, per engine, how many of the quality targets each extension meets (checkTargets), which engine is
 * closest on each track, how often the conductor beats each other engine, and how many phrases it chose against the
 * rules' first choice (from its notes).
 */
import { basename, dirname } from "node:path";
import { Command } from "commander";
import { decodeAudioFile } from "#engine/audio/decode.ts";
import type { PcmAudio } from "#engine/audio/pcm.ts";
import { frameFeatures } from "#engine/analysis/features.ts";
import { analysisSignal } from "#engine/analysis/signal.ts";
import { makeExtenders } from "#engine/extend/extenders.ts";
import { loadConductor } from "#engine/model/conductor.ts";
import { checkTargets, measureExtension, type Extender, type TargetCheck } from "#engine/quality/index.ts";
import { medianOf } from "#engine/quality/evaluate.ts";
import { mfccFrechetDistance } from "#engine/quality/timbre.ts";
import { loadCorpusSplit } from "./corpus.ts";

const CUT_SECONDS = 60;
const TARGET_SECONDS = 180;

interface Row {
  readonly track: string;
  readonly engine: string;
  readonly distance: number;
  readonly targetsMet: number;
  readonly targets: number;
  readonly seconds: number;
  /** The conductor's phrases chosen against the rules' first choice, of its decisions (from its notes). */
  readonly steered?: { readonly changed: number; readonly decisions: number };
}

/** A track's name: its file name, or its folder's when the file has a generic name (song.ogg). */
const trackName = (path: string): string =>
  basename(path) === "song.ogg" ? `${basename(dirname(path))}/song.ogg` : basename(path);

function steeredOf(notes: readonly string[] | undefined): Row["steered"] {
  const match = notes?.join("\n").match(/chose (\d+) of (\d+) phrases against the rules' first choice/);
  return match ? { changed: Number(match[1]), decisions: Number(match[2]) } : undefined;
}

const slice = (audio: PcmAudio, from: number, to: number): PcmAudio => ({
  sampleRate: audio.sampleRate,
  channels: audio.channels.map((c) =>
    c.subarray(Math.round(from * audio.sampleRate), Math.round(to * audio.sampleRate)),
  ),
});

function features(audio: PcmAudio) {
  const signal = analysisSignal(audio);
  return frameFeatures(signal.samples, signal.sampleRate);
}

/** " (missed: label value, ...)" for the targets an extension misses, else "". */
function missedTargets(checks: readonly TargetCheck[]): string {
  const missed = checks
    .filter((c) => c.met === false)
    .map((c) => `${c.label} ${typeof c.value === "number" ? c.value.toFixed(2) : String(c.value)}`);
  return missed.length > 0 ? ` (missed: ${missed.join(", ")})` : "";
}

async function scoreTrack(path: string, engines: Record<string, Extender>): Promise<Row[]> {
  const decoded = await decodeAudioFile(path);
  const track: PcmAudio = { sampleRate: decoded.sampleRate, channels: decoded.channels };
  const opening = slice(track, 0, CUT_SECONDS);
  const truth = features(slice(track, CUT_SECONDS, TARGET_SECONDS));
  const rows: Row[] = [];
  for (const [engine, extend] of Object.entries(engines)) {
    // A fresh audio object per engine: analyses are kept per object, and one engine's must not time another's.
    const own: PcmAudio = { sampleRate: opening.sampleRate, channels: opening.channels };
    const started = performance.now();
    const result = await extend(own, TARGET_SECONDS);
    const seconds = (performance.now() - started) / 1000;
    const continuation = features(slice(result.audio, CUT_SECONDS, TARGET_SECONDS));
    const distance = mfccFrechetDistance(continuation, 0, continuation.frameCount, truth);
    const report = await measureExtension({
      original: opening,
      result: result.audio,
      seams: result.seams,
      introSeconds: result.introSeconds,
    });
    const checks = checkTargets(report, { inputHasEnding: result.form === "song" }).filter((c) => c.met !== null);
    const steered = steeredOf(result.notes);
    rows.push({
      track: trackName(path),
      engine,
      distance,
      targetsMet: checks.filter((c) => c.met).length,
      targets: checks.length,
      seconds,
      ...(steered ? { steered } : {}),
    });
    process.stderr.write(
      `  ${engine}: distance ${distance.toFixed(2)}, targets ${rows.at(-1)!.targetsMet}/${checks.length}${missedTargets(checks)}, ${seconds.toFixed(1)} s${steered ? `, chose ${steered.changed} of ${steered.decisions}` : ""}\n`,
    );
  }
  return rows;
}

async function run(): Promise<void> {
  const options = new Command()
    .option("--corpus <dir>", "corpus folder filled by scripts/fetch-corpus.sh", "corpus")
    .option("--no-corpus", "leave the corpus's held-out tracks out (only --files)")
    .option("--conductor <dir>", "conductor model", "models/conductor")
    .option("--files <paths...>", "more tracks, from outside the corpus", [])
    .option("--json", "print JSON", false)
    .parse(process.argv)
    .opts<{ corpus: string | false; conductor: string; files: string[]; json: boolean }>();
  const paths = [...(options.corpus ? (await loadCorpusSplit(options.corpus)).test : []), ...options.files];
  const engines = makeExtenders(["conductor", "remix", "loop"], { conductor: await loadConductor(options.conductor) });
  const rows: Row[] = [];
  for (const path of paths) {
    const decoded = await decodeAudioFile(path);
    const seconds = decoded.channels[0]!.length / decoded.sampleRate;
    if (seconds < TARGET_SECONDS + 1) continue;
    process.stderr.write(
      `${trackName(path)} (${seconds.toFixed(0)} s): first ${CUT_SECONDS} s -> ${TARGET_SECONDS} s\n`,
    );
    rows.push(...(await scoreTrack(path, engines)));
  }
  if (options.json) console.log(JSON.stringify(rows, null, 2));
  else printTable(rows, Object.keys(engines));
}

const line = (cells: readonly string[]) => console.log(cells.map((c, i) => c.padEnd(i === 0 ? 34 : 14)).join(""));

function printTable(rows: readonly Row[], engines: readonly string[]): void {
  const tracks = [...new Set(rows.map((r) => r.track))];
  const distance = (track: string, engine: string) =>
    rows.find((r) => r.track === track && r.engine === engine)?.distance ?? Number.NaN;
  const closest = (track: string) =>
    engines.reduce((best, e) => (distance(track, e) < distance(track, best) ? e : best), engines[0]!);
  console.log(
    `${tracks.length} tracks of 181 s or more: the first ${CUT_SECONDS} s extended to ${TARGET_SECONDS} s, compared with the true ${CUT_SECONDS}-${TARGET_SECONDS} s\n`,
  );
  line(["track", ...engines, "closest"]);
  for (const track of tracks) line([track, ...engines.map((e) => distance(track, e).toFixed(2)), closest(track)]);
  const median = (engine: string, pick: (r: Row) => number) =>
    medianOf(rows.filter((r) => r.engine === engine).map(pick));
  line(["median timbre distance", ...engines.map((e) => median(e, (r) => r.distance)?.toFixed(2) ?? "-")]);
  line(["closest on (tracks)", ...engines.map((e) => String(tracks.filter((t) => closest(t) === e).length))]);
  line([
    "median targets met",
    ...engines.map((e) => `${median(e, (r) => r.targetsMet)} of ${median(e, (r) => r.targets)}`),
  ]);
  line(["median seconds to extend", ...engines.map((e) => median(e, (r) => r.seconds)?.toFixed(1) ?? "-")]);
  const [first, ...others] = engines;
  for (const other of others) {
    const wins = tracks.filter((t) => distance(t, first!) < distance(t, other)).length;
    const ratio = (median(first!, (r) => r.distance) ?? Number.NaN) / (median(other, (r) => r.distance) ?? Number.NaN);
    console.log(
      `${first} closer than ${other} on ${wins} of ${tracks.length} tracks; median ${ratio.toFixed(2)}x ${other}'s`,
    );
  }
  const steered = rows.flatMap((r) => (r.steered ? [r.steered] : []));
  if (steered.length > 0) {
    const changed = steered.reduce((s, x) => s + x.changed, 0);
    const decisions = steered.reduce((s, x) => s + x.decisions, 0);
    console.log(`the conductor chose ${changed} of ${decisions} phrases against the rules' first choice`);
  }
}

await run();

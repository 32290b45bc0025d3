/**
 * Where the song goes: the continuation protocol. The first 60 s of each held-out corpus track that is at least 181 s
 * long are extended to 180 s, and the extension (60–180 s) is compared with what the composer actually wrote there by
 * the timbre distance of engine/quality (Fréchet distance of MFCC 1–12 statistics; lower is closer).
 *
 *   npx tsx scripts/eval-continuation.ts [--corpus corpus] [--conductor models/conductor] [--files A.ogg B.mp3 ...]
 *     [--files-from scripts/fresh-music.txt [--files-root DIR]] [--no-corpus] [--windows]
 *     [--engines conductor remix loop] [--no-targets] [--recent-bars SECONDS] [--json]
 *
 * --files adds tracks from outside the corpus (also 181 s or more), --files-from those a list file names (relative
 * paths under --files-root); --no-corpus leaves the corpus's out. --windows also
 * prints, per track, the distance of the input's own last 5–60 s to the true continuation: what a continuation made
 * only of that much recent material would score, before any rule on loops and repeats; and the same for the input's
 * body after its intro (as the engine's form analysis finds it), the material continue form re-orders.
 * Engines: conductor (the model chooses each phrase), remix (the rules alone) and the loop-the-last-10-s baseline
 * (--engines runs only some of them; --no-targets skips the quality targets, for quick comparisons of distances).
 * Also prints, per engine, how many of the quality targets each extension meets (checkTargets), which engine is
 * closest on each track, how often the conductor beats each other engine, and how many phrases it chose against the
 * rules' first choice (from its notes).
 */
import { Command } from "commander";
import { decodeAudioFile } from "#engine/audio/decode.ts";
import type { PcmAudio } from "#engine/audio/pcm.ts";
import { frameFeatures } from "#engine/analysis/features.ts";
import { analysisSignal } from "#engine/analysis/signal.ts";
import { downbeatPhase } from "#engine/analysis/bars.ts";
import { analyseBeats } from "#engine/analysis/beats.ts";
import { analyseForm } from "#engine/analysis/form.ts";
import { type Candidate, makeExtenders } from "#engine/extend/extenders.ts";
import { loadConductor } from "#engine/model/conductor.ts";
import { checkTargets, type Extender, measureExtenderResult, type TargetCheck } from "#engine/quality/index.ts";
import type { SeamSource } from "#engine/quality/report.ts";
import { medianOf } from "#engine/quality/evaluate.ts";
import { mfccFrechetDistance } from "#engine/quality/timbre.ts";
import { loadCorpusSplit } from "./corpus.ts";
import { type ContinuationRow as Row, readTrackList, trackNames, withSay } from "./eval-tracks.ts";

const CUT_SECONDS = 60;
const TARGET_SECONDS = 180;

function steeredOf(notes: readonly string[] | undefined): Row["steered"] {
  const text = notes?.join("\n") ?? "";
  const match = text.match(/chose (\d+) of (\d+) phrases against the rules' first choice/);
  const outlook = text.match(
    /outlook of the next \d+ s decided (\d+) of them and chose otherwise than the 10 s prediction in (\d+)/,
  );
  if (!match) return undefined;
  return {
    changed: Number(match[1]),
    decisions: Number(match[2]),
    ...(outlook ? { outlook: { weighed: Number(outlook[1]), changed: Number(outlook[2]) } } : {}),
  };
}

function rotationOf(notes: readonly string[] | undefined): Row["rotation"] {
  const match = notes?.join("\n").match(/in the recent bars the conductor chose (\d+) of (\d+) units/);
  return match ? { changed: Number(match[1]), decisions: Number(match[2]) } : undefined;
}

const RECENT_SHARE_SECONDS = 20;
const WINDOWS = [5, 10, 20, 30, 45, 60];

/**
 * Share of the result's CUT_SECONDS..TARGET_SECONDS played from the input's last RECENT_SHARE_SECONDS, from the seams
 * and where each enters the input (a stretch runs from its seam to the next); undefined without seam sources.
 */
function recentShare(seams: readonly number[], sources: readonly SeamSource[] | undefined): number | undefined {
  if (!sources || sources.length !== seams.length) return undefined;
  let recent = 0;
  seams.forEach((at, i) => {
    const from = Math.max(CUT_SECONDS, at);
    const to = Math.min(TARGET_SECONDS, seams[i + 1] ?? TARGET_SECONDS);
    if (to <= from) return;
    const source = sources[i]!.toSeconds + (from - at);
    recent += Math.max(
      0,
      Math.min(CUT_SECONDS, source + to - from) - Math.max(CUT_SECONDS - RECENT_SHARE_SECONDS, source),
    );
  });
  return recent / (TARGET_SECONDS - CUT_SECONDS);
}

const slice = (audio: PcmAudio, from: number, to: number): PcmAudio => ({
  sampleRate: audio.sampleRate,
  channels: audio.channels.map((c) =>
    c.subarray(Math.round(from * audio.sampleRate), Math.round(to * audio.sampleRate)),
  ),
});

/** Where the engine's form analysis ends the intro: continue form plays only the phrases after it. */
function introEndSeconds(audio: PcmAudio): number {
  const analysis = analyseBeats(audio);
  const form = analyseForm(analysis, {
    downbeatPhase: analysis.method === "grid" ? undefined : downbeatPhase(analysis),
  });
  return (analysis.beats[form.introEndBeat] ?? 0) / analysis.sampleRate;
}

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

async function scoreTrack(
  path: string,
  name: string,
  engines: Record<string, Extender>,
  options: { windows: boolean; targets: boolean },
): Promise<Row[]> {
  const { windows } = options;
  const decoded = await decodeAudioFile(path);
  const track: PcmAudio = { sampleRate: decoded.sampleRate, channels: decoded.channels };
  const opening = slice(track, 0, CUT_SECONDS);
  const truth = features(slice(track, CUT_SECONDS, TARGET_SECONDS));
  if (windows) {
    const input = features(opening);
    const perSecond = input.frameCount / CUT_SECONDS;
    const cells = WINDOWS.map(
      (w) =>
        `last ${w} s ${mfccFrechetDistance(input, Math.round((CUT_SECONDS - w) * perSecond), input.frameCount, truth).toFixed(2)}`,
    );
    const intro = introEndSeconds(opening);
    const body = mfccFrechetDistance(input, Math.round(intro * perSecond), input.frameCount, truth);
    process.stderr.write(
      `  the input's own: ${cells.join(", ")}; its body after the intro (${intro.toFixed(1)} s on) ${body.toFixed(2)}\n`,
    );
  }
  const rows: Row[] = [];
  for (const [engine, extend] of Object.entries(engines)) {
    // A fresh audio object per engine: analyses are kept per object, and one engine's must not time another's.
    const own: PcmAudio = { sampleRate: opening.sampleRate, channels: opening.channels };
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const result = await extend(own, TARGET_SECONDS);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const continuation = features(slice(result.audio, CUT_SECONDS, TARGET_SECONDS));
    const distance = mfccFrechetDistance(continuation, 0, continuation.frameCount, truth);
    const report = options.targets ? await measureExtenderResult(opening, result) : undefined;
    const checks = report
      ? checkTargets(report, { inputHasEnding: result.form === "song" }).filter((c) => c.met !== null)
      : [];
    const steered = steeredOf(result.notes);
    const rotation = rotationOf(result.notes);
    const share = recentShare(result.seams, result.seamSources);
    rows.push({
      track: name,
      engine,
      distance,
      targetsMet: checks.filter((c) => c.met).length,
      targets: checks.length,
      seconds,
      cpuSeconds,
      ...(steered ? { steered } : {}),
      ...(rotation ? { rotation } : {}),
      ...(share === undefined ? {} : { recentShare: share }),
    });
    process.stderr.write(
      `  ${engine}: distance ${distance.toFixed(2)}, targets ${rows.at(-1)!.targetsMet}/${checks.length}${missedTargets(checks)}, ${seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s)${share === undefined ? "" : `, ${Math.round(100 * share)} % from the input's last ${RECENT_SHARE_SECONDS} s`}${steered ? `, chose ${steered.changed} of ${steered.decisions}` : ""}${steered?.outlook ? ` (the outlook decided ${steered.outlook.weighed}, ${steered.outlook.changed} of them otherwise than the 10 s prediction)` : ""}${rotation ? `, recent bars: chose ${rotation.changed} of ${rotation.decisions} units` : ""}\n`,
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
    .option("--files-from <list>", "more tracks, one path a line (e.g. scripts/fresh-music.txt)")
    .option("--files-root <dir>", "the folder --files-from's relative paths are under", "/")
    .option(
      "--windows",
      "also print how close the input's own last 5-60 s, and its body after the intro, are to the true continuation",
      false,
    )
    .option("--no-targets", "distances only: skip measuring the quality targets (several times faster)")
    .option(
      "--recent-bars <seconds>",
      "continue form: seconds of the input's recent bars re-ordered first (default: none)",
      Number,
    )
    .option("--tie-margin <cost>", "continue form: the conductor's near-tie margin (default: TIE_MARGIN, 3)", Number)
    .option(
      "--prediction-weight <w>",
      "the weight of the conductor's prediction (default: PREDICTION_WEIGHT, 4)",
      Number,
    )
    .option("--engines <names...>", "engines to run (conductor, remix, loop)", ["conductor", "remix", "loop"])
    .option("--json", "print JSON", false)
    .parse(process.argv)
    .opts<{
      corpus: string | false;
      conductor: string;
      files: string[];
      filesFrom?: string;
      filesRoot: string;
      engines: Candidate[];
      recentBars?: number;
      tieMargin?: number;
      predictionWeight?: number;
      windows: boolean;
      targets: boolean;
      json: boolean;
    }>();
  const paths = [
    ...(options.corpus ? (await loadCorpusSplit(options.corpus)).test : []),
    ...options.files,
    ...(options.filesFrom ? await readTrackList(options.filesFrom, options.filesRoot) : []),
  ];
  const names = trackNames(paths);
  const engines = makeExtenders(
    options.engines,
    { conductor: withSay(await loadConductor(options.conductor), options.tieMargin, options.predictionWeight) },
    { recentBarsSeconds: options.recentBars },
  );
  const rows: Row[] = [];
  for (const path of paths) {
    const decoded = await decodeAudioFile(path);
    const seconds = decoded.channels[0]!.length / decoded.sampleRate;
    if (seconds < TARGET_SECONDS + 1) continue;
    process.stderr.write(
      `${names.get(path)} (${seconds.toFixed(0)} s): first ${CUT_SECONDS} s -> ${TARGET_SECONDS} s\n`,
    );
    rows.push(...(await scoreTrack(path, names.get(path)!, engines, options)));
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
  line([
    `median share from last ${RECENT_SHARE_SECONDS} s`,
    ...engines.map((e) => {
      const share = median(e, (r) => r.recentShare ?? Number.NaN);
      return share === null ? "-" : `${Math.round(100 * share)} %`;
    }),
  ]);
  line(["median seconds to extend", ...engines.map((e) => median(e, (r) => r.seconds)?.toFixed(1) ?? "-")]);
  line(["median CPU seconds to extend", ...engines.map((e) => median(e, (r) => r.cpuSeconds)?.toFixed(1) ?? "-")]);
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
    const outlooks = steered.flatMap((x) => (x.outlook ? [x.outlook] : []));
    const weighed = outlooks.reduce((s, x) => s + x.weighed, 0);
    const swayed = outlooks.reduce((s, x) => s + x.changed, 0);
    if (outlooks.length > 0)
      console.log(`its outlook decided ${weighed} of them, ${swayed} otherwise than its 10 s prediction would have`);
  }
  const rotations = rows.flatMap((r) => (r.rotation ? [r.rotation] : []));
  if (rotations.length > 0) {
    const changed = rotations.reduce((s, x) => s + x.changed, 0);
    const decisions = rotations.reduce((s, x) => s + x.decisions, 0);
    console.log(
      `in the recent bars the conductor chose ${changed} of ${decisions} units against the rules' cheapest join`,
    );
  }
}

await run();

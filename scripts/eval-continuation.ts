/**
 * Where the song goes: the continuation protocol. The first 60 s of each held-out corpus track that is at least 181 s
 * long are extended to 180 s, and the extension (60–180 s) is compared with what the composer actually wrote there by
 * the timbre distance of engine/quality (Fréchet distance of MFCC 1–12 statistics; lower is closer).
 *
 *   npx tsx scripts/eval-continuation.ts [--corpus corpus] [--conductor models/conductor] [--json]
 *
 * Engines: conductor (the model chooses each phrase), remix (the rules alone) and the loop-the-last-10-s baseline.
 * Also prints, per engine, how many of the quality targets each extension meets (checkTargets).
 */
import { basename } from "node:path";
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
    rows.push({
      track: basename(path),
      engine,
      distance,
      targetsMet: checks.filter((c) => c.met).length,
      targets: checks.length,
      seconds,
    });
    process.stderr.write(
      `  ${engine}: distance ${distance.toFixed(2)}, targets ${rows.at(-1)!.targetsMet}/${checks.length}${missedTargets(checks)}, ${seconds.toFixed(1)} s\n`,
    );
  }
  return rows;
}

async function run(): Promise<void> {
  const options = new Command()
    .option("--corpus <dir>", "corpus folder filled by scripts/fetch-corpus.sh", "corpus")
    .option("--conductor <dir>", "conductor model", "models/conductor")
    .option("--json", "print JSON", false)
    .parse(process.argv)
    .opts<{ corpus: string; conductor: string; json: boolean }>();
  const split = await loadCorpusSplit(options.corpus);
  const engines = makeExtenders(["conductor", "remix", "loop"], { conductor: await loadConductor(options.conductor) });
  const rows: Row[] = [];
  for (const path of split.test) {
    const decoded = await decodeAudioFile(path);
    const seconds = decoded.channels[0]!.length / decoded.sampleRate;
    if (seconds < TARGET_SECONDS + 1) continue;
    process.stderr.write(
      `${basename(path)} (${seconds.toFixed(0)} s): first ${CUT_SECONDS} s -> ${TARGET_SECONDS} s\n`,
    );
    rows.push(...(await scoreTrack(path, engines)));
  }
  if (options.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const tracks = [...new Set(rows.map((r) => r.track))];
  console.log(
    `${tracks.length} held-out tracks of 181 s or more: the first ${CUT_SECONDS} s extended to ${TARGET_SECONDS} s, compared with the true ${CUT_SECONDS}-${TARGET_SECONDS} s\n`,
  );
  console.log(["track", ...Object.keys(engines)].map((c) => c.padEnd(28)).join(""));
  for (const track of tracks) {
    const cells = Object.keys(engines).map(
      (e) => rows.find((r) => r.track === track && r.engine === e)?.distance.toFixed(2) ?? "-",
    );
    console.log([track, ...cells].map((c) => c.padEnd(28)).join(""));
  }
  const median = (engine: string, pick: (r: Row) => number) =>
    medianOf(rows.filter((r) => r.engine === engine).map(pick));
  console.log(
    ["median timbre distance", ...Object.keys(engines).map((e) => median(e, (r) => r.distance)?.toFixed(2) ?? "-")]
      .map((c) => c.padEnd(28))
      .join(""),
  );
  console.log(
    [
      "median targets met",
      ...Object.keys(engines).map((e) => `${median(e, (r) => r.targetsMet)} of ${median(e, (r) => r.targets)}`),
    ]
      .map((c) => c.padEnd(28))
      .join(""),
  );
  console.log(
    ["median seconds to extend", ...Object.keys(engines).map((e) => median(e, (r) => r.seconds)?.toFixed(1) ?? "-")]
      .map((c) => c.padEnd(28))
      .join(""),
  );
}

await run();

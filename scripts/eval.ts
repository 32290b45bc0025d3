/**
 * Scores the extension engines against the naive baselines on the held-out corpus tracks (or on --files).
 *
 *   npx tsx scripts/eval.ts [--protocol stretch|whole] [--corpus corpus] [--files F...] [--tracks N]
 *                           [--model DIR] [--json] [--per-track]
 *
 * Protocols: "stretch" extends each track to 3x its length (at least 180 s); "whole" extends each whole track to
 * 2.5x its length, at most 10 minutes (the song-form protocol). Engines: remix, hybrid and neural (when --model names
 * a trained model), and the loop and silence baselines. Prints the median of every quality metric per engine (see
 * engine/quality/report.ts for units and directions), or JSON with --json; --per-track adds one line per track and
 * engine.
 */
import { basename } from "node:path";
import { Command } from "commander";
import { decodeAudioFile } from "#engine/audio/decode.ts";
import type { PcmAudio } from "#engine/audio/pcm.ts";
import { loadCorpusSplit } from "./corpus.ts";
import { CANDIDATES, makeExtenders } from "#engine/extend/extenders.ts";
import { hasModel, loadPredictor } from "#engine/job.ts";
import { loadConductor } from "#engine/model/conductor.ts";
import {
  evaluateEngines,
  formatMedianTable,
  medianReports,
  type EngineEvaluation,
  type Extender,
} from "#engine/quality/index.ts";

interface EvalOptions {
  protocol: "stretch" | "whole";
  files?: string[];
  corpus: string;
  tracks?: number;
  model?: string;
  conductor: string;
  json: boolean;
  perTrack: boolean;
}

function parseArguments(argv: string[]): EvalOptions {
  const program = new Command()
    .name("eval")
    .description("median quality metrics per engine on the corpus test split")
    .option("--protocol <name>", "stretch: 3x, at least 180 s; whole: 2.5x, at most 600 s", "stretch")
    .option("--files <files...>", "evaluate these audio files instead of the corpus test split")
    .option("--corpus <dir>", "corpus folder filled by scripts/fetch-corpus.sh", "corpus")
    .option("--tracks <n>", "use only the first N test tracks", (v) => Number.parseInt(v, 10))
    .option("--model <dir>", "trained raw-audio model: adds the hybrid and neural engines")
    .option("--conductor <dir>", "conductor model for the conductor engine", "models/conductor")
    .option("--json", "print JSON instead of a table", false)
    .option("--per-track", "also print every track's metrics per engine", false)
    .parse(argv);
  const options = program.opts<EvalOptions>();
  if (options.protocol !== "stretch" && options.protocol !== "whole")
    program.error(`--protocol must be stretch or whole, got ${options.protocol}`);
  return options;
}

async function extenders(options: EvalOptions): Promise<Record<string, Extender>> {
  const conductor = hasModel(options.conductor) ? await loadConductor(options.conductor) : undefined;
  const free = conductor
    ? (["conductor", "remix", "loop", "silence"] as const)
    : (["remix", "loop", "silence"] as const);
  if (options.model === undefined) return makeExtenders(free, { conductor });
  if (!hasModel(options.model)) throw new Error(`no trained model in ${options.model} (model.json missing)`);
  return makeExtenders(conductor ? CANDIDATES : CANDIDATES.filter((c) => c !== "conductor"), {
    conductor,
    predictor: await loadPredictor(options.model),
  });
}

async function run(options: EvalOptions): Promise<void> {
  const all = options.files ?? (await loadCorpusSplit(options.corpus)).test;
  const tracks = all.slice(0, options.tracks ?? all.length);
  const engines = await extenders(options);
  const evaluations: (EngineEvaluation & { track: string })[] = [];
  for (const [index, path] of tracks.entries()) {
    const decoded = await decodeAudioFile(path);
    const input: PcmAudio = { sampleRate: decoded.sampleRate, channels: decoded.channels };
    const seconds = decoded.channels[0]!.length / decoded.sampleRate;
    const targetSeconds = protocolTarget(options.protocol, seconds);
    process.stderr.write(
      `[${index + 1}/${tracks.length}] ${basename(path)}: ${seconds.toFixed(1)} s -> ${targetSeconds} s\n`,
    );
    for (const evaluation of await evaluateEngines(input, targetSeconds, engines)) {
      evaluations.push({ ...evaluation, track: basename(path) });
      process.stderr.write(`  ${evaluation.engine}: ${evaluation.seconds.toFixed(1)} s to extend\n`);
    }
  }
  if (options.json) {
    console.log(
      JSON.stringify(
        { tracks: tracks.map((t) => basename(t)), medians: medianReports(evaluations), runs: evaluations },
        null,
        2,
      ),
    );
  } else {
    const rule = options.protocol === "whole" ? "2.5x its length (at most 600 s)" : "3x its length (at least 180 s)";
    console.log(`${tracks.length} tracks, each extended to ${rule}\n`);
    console.log(formatMedianTable(evaluations));
    if (options.perTrack) console.log(`\n${formatPerTrack(evaluations)}`);
  }
}

/** The target length of a track of `seconds` under each protocol. */
function protocolTarget(protocol: EvalOptions["protocol"], seconds: number): number {
  return protocol === "whole"
    ? Math.max(Math.ceil(seconds), Math.min(600, Math.round(2.5 * seconds)))
    : Math.max(180, Math.round(3 * seconds));
}

/** One line per track and engine: the table's metrics, "-" where there is nothing to measure. */
function formatPerTrack(evaluations: readonly (EngineEvaluation & { track: string })[]): string {
  const cell = (v: unknown) => (typeof v === "number" ? (Number.isFinite(v) ? v.toFixed(2) : String(v)) : "-");
  return evaluations
    .map(({ track, engine, form, report, seconds }) =>
      [
        `${track} ${engine}${form ? ` (${form} form)` : ""}:`,
        `clicks ${report.clicksAtSeams}/${report.seamCount}`,
        `flux z ${cell(report.seamFluxZ)}`,
        `|dLU| ${cell(report.seamLoudnessChangeLu)}`,
        `tempo ${cell(report.tempoDifferencePercent)} % (${cell(report.originalTempoBpm)} -> ${cell(report.extensionTempoBpm)} BPM)`,
        `phase ${cell(report.beatPhaseErrorAtSeams)}`,
        `loop ${cell(report.shortestLoopSeconds)} s (original ${cell(report.originalShortestLoopSeconds)})`,
        `timbre ${cell(report.timbreDistance)}`,
        `harmony ${cell(report.harmonySimilarity)}`,
        `verbatim run ${cell(report.longestVerbatimRunSeconds)} s`,
        `repeat ${cell(report.longestRepeatedStretchSeconds)} s`,
        `intro x${cell(report.introReplays)}`,
        `ending ${report.endsWithInputEnding ? "yes" : "no"}`,
        `silence ${cell(report.longestInternalSilenceSeconds)} s (input ${cell(report.originalLongestInternalSilenceSeconds)})`,
        `coverage ${cell(report.coveragePercent)} %`,
        `extend ${seconds.toFixed(1)} s`,
      ].join("  "),
    )
    .join("\n");
}

await run(parseArguments(process.argv));

/**
 * Times the quality measurement and the extension picture on fixed long cases, per stage, and checks that the
 * reports stay the same.
 *
 *   npx tsx scripts/bench-quality.ts [--cases DIR] [--only NAME,...] [--save FILE] [--compare FILE] [--impl FILE]
 *
 * Cases: a synthetic 4 min stereo 44.1 kHz song extended to 12 min by the remix engine, and, when corpus/music
 * exists, two real tracks extended to 3x their length (one by remix, one by the loop baseline). Each case's audio
 * is made once and kept in --cases (raw float32), so that a later run measures exactly the same samples even if
 * the remix engine has changed meanwhile. --save writes the reports as JSON, --compare prints a diff table against
 * such a file, --impl measures with another module exporting measureExtension (e.g. a frozen copy of the old one).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import type { PcmAudio } from "../engine/audio/pcm.ts";
import { decodeCached } from "./corpus.ts";
import { loopBaseline } from "../engine/quality/baselines.ts";
import {
  measureExtension as currentMeasure,
  type ExtensionToMeasure,
  type MeasureOptions,
} from "../engine/quality/measure.ts";
import type { QualityReport } from "../engine/quality/report.ts";
import { remixExtend } from "../engine/remix/index.ts";
import { renderExtensionPicture } from "../engine/report/picture.ts";
import { synthesizeSong } from "../engine/synth/song.ts";

type Measure = (input: ExtensionToMeasure, options?: MeasureOptions) => Promise<QualityReport>;

interface BenchOptions {
  cases: string;
  only?: string;
  save?: string;
  compare?: string;
  impl?: string;
  picture: boolean;
}

interface CaseSpec {
  readonly name: string;
  make(): Promise<{ original: PcmAudio; result: PcmAudio; seams: number[] }>;
}

const SAMPLE_RATE = 44100;
const CROSSFADE_SECONDS = 0.02;

function parseArguments(argv: string[]): BenchOptions {
  const program = new Command()
    .name("bench-quality")
    .description("per-stage timings of measureExtension and the picture on fixed long cases")
    .option("--cases <dir>", "where the case audio is kept", join(tmpdir(), "harmonizer-bench-quality"))
    .option("--only <names>", "comma-separated case names")
    .option("--save <file>", "write the reports as JSON")
    .option("--compare <file>", "print the differences against reports saved earlier")
    .option("--impl <file>", "module whose measureExtension to time instead of engine/quality/measure.ts")
    .option("--no-picture", "skip the picture")
    .parse(argv);
  return program.opts<BenchOptions>();
}

function caseSpecs(): CaseSpec[] {
  const specs: CaseSpec[] = [
    {
      name: "synthetic-remix",
      async make() {
        const original = synthesizeSong({ seconds: 240, sampleRate: SAMPLE_RATE, channels: 2, seed: 7 });
        const extended = await remixExtend(original, {
          targetSeconds: 720,
          fadeOutSeconds: 5,
          crossfadeSeconds: CROSSFADE_SECONDS,
          seed: 1,
        });
        return { original, result: extended.audio, seams: extended.seams };
      },
    },
  ];
  const music = resolve("corpus/music");
  if (existsSync(music)) {
    const load = async (file: string): Promise<PcmAudio> => ({
      sampleRate: SAMPLE_RATE,
      channels: [await decodeCached(join(music, file), SAMPLE_RATE)],
    });
    specs.push(
      {
        name: "the_city_falls-remix",
        async make() {
          const original = await load("the_city_falls.ogg");
          const target = (3 * original.channels[0]!.length) / SAMPLE_RATE;
          const extended = await remixExtend(original, {
            targetSeconds: target,
            fadeOutSeconds: 5,
            crossfadeSeconds: CROSSFADE_SECONDS,
            seed: 1,
          });
          return { original, result: extended.audio, seams: extended.seams };
        },
      },
      {
        name: "journeys_end-loop",
        async make() {
          const original = await load("journeys_end.ogg");
          const looped = loopBaseline(original, (3 * original.channels[0]!.length) / SAMPLE_RATE, CROSSFADE_SECONDS);
          return { original, result: looped.audio, seams: looped.seams };
        },
      },
    );
  }
  return specs;
}

/** The case from the cache folder, or made and stored there. */
async function loadCase(dir: string, spec: CaseSpec): Promise<ExtensionToMeasure & { readonly result: PcmAudio }> {
  const metaFile = join(dir, `${spec.name}.json`);
  const samplesFile = join(dir, `${spec.name}.f32`);
  if (existsSync(metaFile) && existsSync(samplesFile)) {
    const meta = JSON.parse(await readFile(metaFile, "utf8")) as {
      sampleRate: number;
      channels: number;
      originalLength: number;
      resultLength: number;
      seams: number[];
    };
    const bytes = await readFile(samplesFile);
    const all = new Float32Array(Uint8Array.from(bytes).buffer);
    const channelsOf = (offset: number, length: number) =>
      Array.from({ length: meta.channels }, (_, c) => all.slice(offset + c * length, offset + (c + 1) * length));
    const originalSize = meta.channels * meta.originalLength;
    return {
      original: { sampleRate: meta.sampleRate, channels: channelsOf(0, meta.originalLength) },
      result: { sampleRate: meta.sampleRate, channels: channelsOf(originalSize, meta.resultLength) },
      seams: meta.seams,
    };
  }
  const made = await spec.make();
  await mkdir(dir, { recursive: true });
  const originalLength = made.original.channels[0]!.length;
  const resultLength = made.result.channels[0]!.length;
  const channels = made.original.channels.length;
  const all = new Float32Array(channels * (originalLength + resultLength));
  made.original.channels.forEach((c, i) => {
    all.set(c, i * originalLength);
  });
  made.result.channels.forEach((c, i) => {
    all.set(c, channels * originalLength + i * resultLength);
  });
  await writeFile(samplesFile, new Uint8Array(all.buffer));
  await writeFile(
    metaFile,
    JSON.stringify({ sampleRate: made.original.sampleRate, channels, originalLength, resultLength, seams: made.seams }),
  );
  return made;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2).padStart(7);

function printTimings(
  name: string,
  totalMs: number,
  timings: Record<string, number>,
  pictureMs: number | undefined,
): void {
  console.log(
    `\n${name}: measure ${seconds(totalMs)} s${pictureMs === undefined ? "" : `, picture ${seconds(pictureMs)} s`}`,
  );
  const width = Math.max(0, ...Object.keys(timings).map((k) => k.length));
  for (const [stage, ms] of Object.entries(timings)) console.log(`  ${stage.padEnd(width)} ${seconds(ms)} s`);
}

function printComparison(name: string, report: QualityReport, reference: QualityReport | undefined): void {
  if (!reference) {
    console.log(`  (no reference report for ${name})`);
    return;
  }
  console.log(
    `  ${"metric".padEnd(32)} ${"reference".padStart(14)} ${"now".padStart(14)} ${"difference".padStart(12)}`,
  );
  for (const key of Object.keys(reference) as (keyof QualityReport)[]) {
    if (key === "seamList") continue; // its figures are the medians' ingredients, compared through them
    const before = reference[key] as number | boolean | null;
    const after = report[key] as number | boolean | null;
    const difference =
      typeof before === "number" && typeof after === "number" ? after - before : before === after ? 0 : NaN;
    const show = (v: number | boolean | null) =>
      v === null || typeof v === "boolean" ? String(v) : Number(v.toPrecision(8)).toString();
    const flag =
      difference === 0
        ? ""
        : Number.isNaN(difference) || Math.abs(difference) > 1e-6 * Math.max(1, Math.abs(Number(before)))
          ? "  <-- differs"
          : "  (noise)";
    console.log(
      `  ${key.padEnd(32)} ${show(before).padStart(14)} ${show(after).padStart(14)} ${(Number.isNaN(difference) ? "-" : difference.toExponential(2)).padStart(12)}${flag}`,
    );
  }
}

async function run(options: BenchOptions): Promise<void> {
  const measure: Measure = options.impl
    ? ((await import(pathToFileURL(resolve(options.impl)).href)) as { measureExtension: Measure }).measureExtension
    : currentMeasure;
  const wanted = options.only?.split(",");
  const specs = caseSpecs().filter((s) => !wanted || wanted.includes(s.name));
  const reference = options.compare
    ? (JSON.parse(await readFile(options.compare, "utf8")) as Record<string, QualityReport>)
    : {};
  const reports: Record<string, QualityReport> = {};
  for (const spec of specs) {
    const input = await loadCase(options.cases, spec);
    const minutes = (a: PcmAudio) => (a.channels[0]!.length / a.sampleRate / 60).toFixed(1);
    console.log(
      `\n== ${spec.name}: ${minutes(input.original)} min -> ${minutes(input.result)} min, ${input.result.channels.length} ch, ${input.seams.length} seams`,
    );
    const timings: Record<string, number> = {};
    const started = performance.now();
    const report = await measure(input, { timings });
    const totalMs = performance.now() - started;
    let pictureMs: number | undefined;
    if (options.picture) {
      const pictureStarted = performance.now();
      renderExtensionPicture({ ...input, title: spec.name });
      pictureMs = performance.now() - pictureStarted;
    }
    printTimings(spec.name, totalMs, timings, pictureMs);
    if (options.compare) printComparison(spec.name, report, reference[spec.name]);
    reports[spec.name] = report;
  }
  if (options.save) await writeFile(options.save, `${JSON.stringify(reports, null, 2)}\n`);
}

await run(parseArguments(process.argv));

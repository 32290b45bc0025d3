/**
 * Benchmark of the encoder–decoder presets on the TF.js backends of this machine.
 *
 *   npx tsx scripts/bench.ts [--presets small,seed] [--backends wasm,cpu] [--runs N]
 *
 * Each (preset, backend) runs in its own child process so that peak RSS belongs to it alone. Prints, per row:
 * build time, first and warm seconds per 10 s chunk (one prediction, batch 1), save + load time from disk,
 * training seconds per batch of 5 windows (small preset only) and peak RSS.
 */
import * as tf from "@tensorflow/tfjs";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { selectBackend, type BackendChoice } from "../engine/model/backend.ts";
import { buildModel, parameterCount } from "../engine/model/build.ts";
import { loadModel, makeMeta, saveModel } from "../engine/model/io.ts";
import { createPredictor } from "../engine/model/predictor.ts";
import { presetConfig } from "../engine/model/presets.ts";

interface Row {
  preset: string;
  backend: string;
  parameters: number;
  buildSeconds: number;
  firstPredictSeconds: number;
  warmPredictSeconds: number;
  warmRuns: number;
  saveSeconds: number;
  loadSeconds: number;
  trainBatchSeconds: number | null;
  /** Peak RSS once built and predicting (the seed's target: at most twice its weights). */
  predictPeakRssMb: number;
  peakRssMb: number;
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
/** The process's peak RSS so far in MB (VmHWM). */
const peakRssMb = () =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? Number.NaN) / 1024;

async function measure(preset: string, backend: BackendChoice, runs: number): Promise<Row> {
  const used = await selectBackend(backend);
  const config = presetConfig(preset);
  const context = Float32Array.from(
    { length: config.encoderSteps * config.sampleRate },
    (_, i) => 0.3 * Math.sin(i / 7),
  );

  let t = performance.now();
  const model = buildModel(config);
  const buildSeconds = seconds(t);
  const predictor = createPredictor({ model, config, meta: makeMeta(config, { preset }) });
  t = performance.now();
  await predictor.predict(context);
  const firstPredictSeconds = seconds(t);
  const warmTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await predictor.predict(context);
    warmTimes.push(seconds(t));
  }
  const warmPredictSeconds = median(warmTimes);
  // before training, saving and loading, which hold further copies of the weights
  const predictPeakRssMb = peakRssMb();

  let trainBatchSeconds: number | null = null;
  if (preset !== "seed") {
    // the seed cannot be trained here (1.6 GB of weights + Adam state exceed the WASM heap)
    model.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" });
    const x = tf.randomNormal([5, config.encoderSteps, config.sampleRate], 0, 0.1);
    const y = tf.randomNormal([5, config.decoderSteps, config.sampleRate], 0, 0.1);
    await model.trainOnBatch(x, y);
    t = performance.now();
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    trainBatchSeconds = seconds(t) / 3;
    tf.dispose([x, y]);
  }

  const dir = await mkdtemp(path.join(tmpdir(), "harmonizer-bench-"));
  try {
    t = performance.now();
    await saveModel(model, dir, makeMeta(config, { preset }));
    const saveSeconds = seconds(t);
    model.dispose();
    t = performance.now();
    const loaded = await loadModel(dir);
    const loadSeconds = seconds(t);
    loaded.model.dispose();
    return {
      preset,
      backend: used,
      parameters: parameterCount(config),
      buildSeconds,
      firstPredictSeconds,
      warmPredictSeconds,
      warmRuns: runs,
      saveSeconds,
      loadSeconds,
      trainBatchSeconds,
      predictPeakRssMb,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function formatTable(rows: readonly Row[]): string {
  const header = [
    "preset",
    "backend",
    "parameters",
    "build s",
    "1st 10 s chunk s",
    "warm 10 s chunk s",
    "save s",
    "load s",
    "train batch(5) s",
    "peak RSS predicting MB",
    "peak RSS MB",
  ];
  const cells = rows.map((r) => [
    r.preset,
    r.backend,
    r.parameters.toLocaleString("en-US"),
    r.buildSeconds.toFixed(1),
    r.firstPredictSeconds.toFixed(2),
    `${r.warmPredictSeconds.toFixed(3)} (median of ${r.warmRuns})`,
    r.saveSeconds.toFixed(1),
    r.loadSeconds.toFixed(1),
    r.trainBatchSeconds === null ? "-" : r.trainBatchSeconds.toFixed(2),
    r.predictPeakRssMb.toFixed(0),
    r.peakRssMb.toFixed(0),
  ]);
  const all = [header, ...cells];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const one = option("one", "");
  if (one) {
    const [preset, backend, runs] = one.split(":");
    process.stdout.write(`${JSON.stringify(await measure(preset!, backend as BackendChoice, Number(runs)))}\n`);
    return;
  }
  const presets = option("presets", "small,seed").split(",");
  const backends = option("backends", "wasm,cpu").split(",");
  const rows: Row[] = [];
  const self = fileURLToPath(import.meta.url);
  for (const preset of presets) {
    for (const backend of backends) {
      // few warm runs for the seed: ~1.5 s per chunk on the pure-JS CPU backend
      const runs = Number(option("runs", preset === "seed" ? (backend === "cpu" ? "3" : "7") : "5"));
      process.stderr.write(`bench: ${preset} on ${backend} ...\n`);
      const out = execFileSync(process.execPath, ["--import", "tsx", self, "--one", `${preset}:${backend}:${runs}`], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 1 << 20,
      });
      rows.push(JSON.parse(out.trim().split("\n").at(-1)!) as Row);
    }
  }
  console.log(formatTable(rows));
  console.log(
    "10 s chunk = one prediction of 10 s from 20 s of context (batch 1); peak RSS of the process running that row " +
      "(predicting: after build and predictions, before training, save and load).",
  );
  console.log(
    `load average (1, 5, 15 min) at the end: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(", ")} on ${cpus().length} cores`,
  );
}

await main();

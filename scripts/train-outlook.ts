/**
 * Trains the outlook (engine/model/outlook.ts), the conductor's model of where a song is heading, and prints how well
 * it predicts the next two minutes of the validation tracks against the summaries it reads.
 *
 *   npx tsx scripts/train-outlook.ts --corpus CORPUS [--extra A.ogg B.ogg ...] [--out models/outlook]
 *     [--epochs 300] [--seed 1]
 *
 * Trains on the corpus's train split plus --extra (tracks from outside the corpus, never the continuation protocol's
 * nor the packages kept back for judging); validates on the corpus's validation split. The test split is not read.
 */
import { basename } from "node:path";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Command } from "commander";
import { selectBackend } from "#engine/model/backend.ts";
import { OUTLOOK_WINDOWS, summaryDistance, summarySize } from "#engine/model/outlook-input.ts";
import { outlookMeta, saveOutlook } from "#engine/model/outlook.ts";
import { loadFileFrames } from "#engine/training/feature-cache.ts";
import type { FileFrames } from "#engine/training/feature-windows.ts";
import { fitOutlook, outlookSamples } from "#engine/training/outlook-train.ts";
import type { Standardisation } from "#engine/model/standardise.ts";
import { loadCorpusSplit } from "./corpus.ts";

async function frames(paths: readonly string[]): Promise<FileFrames[]> {
  const cacheDir = join(tmpdir(), "harmonizer-cache");
  const out: FileFrames[] = [];
  for (const path of paths) out.push(...(await loadFileFrames("/", [path], { cacheDir })));
  return out.map((f, i) => ({ ...f, name: basename(paths[i]!) }));
}

/** Median over the pairs of `files` (every 5 s, or only the cut at 60 s) of each predictor's distance to the truth. */
async function scoreTable(
  files: readonly FileFrames[],
  standardisation: Standardisation,
  predict: (x: Float32Array) => Promise<Float32Array>,
): Promise<Record<string, Record<string, number>>> {
  const featureSize = standardisation.mean.length;
  const size = summarySize(featureSize);
  const table: Record<string, Record<string, number>> = {};
  for (const [label, options] of [
    ["every 5 s", { hopSeconds: 5 }],
    ["cut at 60 s", { only: 60 }],
  ] as const) {
    const samples = outlookSamples(files, standardisation, options);
    const scores: Record<string, number[]> = { outlook: [] };
    for (let i = 0; i < samples.count; i++) {
      const x = samples.x.subarray(i * OUTLOOK_WINDOWS.length * size, (i + 1) * OUTLOOK_WINDOWS.length * size);
      const y = samples.y.subarray(i * size, (i + 1) * size);
      scores.outlook!.push(summaryDistance(await predict(x), y, featureSize));
      OUTLOOK_WINDOWS.forEach((w, k) => {
        const name = Number.isFinite(w) ? `last ${w} s` : "song so far";
        scores[name] = [...(scores[name] ?? []), summaryDistance(x.subarray(k * size, (k + 1) * size), y, featureSize)];
      });
    }
    table[`${label} (${samples.count} cuts)`] = Object.fromEntries(
      Object.entries(scores).map(([name, values]) => [name, median(values)]),
    );
  }
  return table;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
};

async function run(): Promise<void> {
  const options = new Command()
    .requiredOption("--corpus <dir>", "corpus folder (its music/ holds the Wesnoth tracks)")
    .option("--extra <paths...>", "more training tracks, from outside the corpus", [])
    .option("--out <dir>", "where the outlook is written", "models/outlook")
    .option("--epochs <n>", "training epochs", "300")
    .option("--seed <n>", "initial weights' seed", "1")
    .option("--backend <name>", "auto, wasm or cpu", "auto")
    .parse(process.argv)
    .opts<{ corpus: string; extra: string[]; out: string; epochs: string; seed: string; backend: "auto" }>();
  await selectBackend(options.backend);
  const split = await loadCorpusSplit(options.corpus);
  const train = await frames([...split.train, ...options.extra]);
  const validation = await frames(split.validation);
  const started = performance.now();
  const fit = await fitOutlook(train, validation, { epochs: Number(options.epochs), seed: Number(options.seed) });
  const featureSize = fit.standardisation.mean.length;
  /** [windows * 2F] summaries -> [2F] predicted summary. */
  const direct = async (x: Float32Array) => {
    const y = tf.tidy(
      () => fit.model.predict(tf.tensor3d(x, [1, OUTLOOK_WINDOWS.length, summarySize(featureSize)])) as tf.Tensor,
    );
    const values = Float32Array.from(await y.data());
    y.dispose();
    return values;
  };
  const table = await scoreTable(validation, fit.standardisation, direct);
  const training = {
    trainFiles: train.map((f) => f.name),
    validationFiles: validation.map((f) => f.name),
    samples: fit.samples,
    epochs: fit.epochs,
    bestEpoch: fit.bestEpoch,
    trainLoss: fit.trainLoss,
    validationLoss: fit.validationLoss,
    parameters: fit.model.countParams(),
    validationMedianDistance: table,
    wallSeconds: (performance.now() - started) / 1000,
    trainedAt: new Date().toISOString(),
  };
  await saveOutlook(fit.model, options.out, outlookMeta(fit.standardisation, training));
  console.log(JSON.stringify(training, null, 2));
}

await run();

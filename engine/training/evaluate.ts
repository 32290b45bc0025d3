import path from "node:path";
import { tmpdir } from "node:os";
import type { Predictor } from "../model/port.ts";
import { DEFAULT_NORMALISATION, normalisationGain, type NormalisationSettings } from "../model/normalise.ts";
import { cacheAudio, decodeMono, readCachedSamples, type MonoLoader } from "./cache.ts";

/** A held-out song: mono samples at the predictor's sample rate. */
export interface EvaluationFile {
  readonly name: string;
  readonly samples: Float32Array;
}

export interface Scores {
  /** MSE of the model's prediction against the true continuation. */
  readonly model: number;
  /** MSE of predicting silence (= power of the true continuation). */
  readonly silence: number;
  /** MSE of repeating the last horizonSeconds of the context. */
  readonly repeatLast: number;
}

export interface FileEvaluation extends Scores {
  readonly name: string;
  readonly windows: number;
}

/** Scores of every file and their mean over all windows, for either model kind (skipped: files with no window). */
export interface ScoredFiles<File, Mean> {
  readonly files: readonly File[];
  /** Mean over all windows of all files. */
  readonly mean: Mean;
  readonly windows: number;
  readonly skipped: readonly string[];
}

export type EvaluationResult = ScoredFiles<FileEvaluation, Scores>;

/**
 * For each file, every window of contextSeconds (hop hopSeconds, default horizonSeconds) is given to the model and its
 * horizonSeconds prediction compared with the true next seconds, beside the silence and repeat-last baselines.
 * All errors are on the normalised scale the model trains on (the context's normalisation gain applied to everything).
 */
export async function evaluateModel(options: {
  readonly predictor: Predictor;
  readonly files: readonly EvaluationFile[];
  readonly hopSeconds?: number;
  readonly normalisation?: NormalisationSettings;
}): Promise<EvaluationResult> {
  const { predictor } = options;
  const rate = predictor.sampleRate;
  const contextLength = predictor.contextSeconds * rate;
  const horizonLength = predictor.horizonSeconds * rate;
  const hop = Math.max(1, Math.round((options.hopSeconds ?? predictor.horizonSeconds) * rate));
  const results: FileEvaluation[] = [];
  const skipped: string[] = [];
  const total = { model: 0, silence: 0, repeatLast: 0, windows: 0 };

  for (const file of options.files) {
    const sums = { model: 0, silence: 0, repeatLast: 0 };
    let windows = 0;
    for (let start = 0; start + contextLength + horizonLength <= file.samples.length; start += hop) {
      const context = file.samples.subarray(start, start + contextLength);
      const truth = file.samples.subarray(start + contextLength, start + contextLength + horizonLength);
      const scale = normalisationGain(context, options.normalisation ?? DEFAULT_NORMALISATION) ** 2;
      const predicted = await predictor.predict(context);
      sums.model += scale * mse(predicted, truth);
      sums.silence += scale * mse(new Float32Array(horizonLength), truth);
      sums.repeatLast += scale * mse(context.subarray(contextLength - horizonLength), truth);
      windows += 1;
    }
    if (windows === 0) {
      skipped.push(file.name);
      continue;
    }
    results.push({
      name: file.name,
      windows,
      model: sums.model / windows,
      silence: sums.silence / windows,
      repeatLast: sums.repeatLast / windows,
    });
    total.model += sums.model;
    total.silence += sums.silence;
    total.repeatLast += sums.repeatLast;
    total.windows += windows;
  }
  const n = Math.max(1, total.windows);
  return {
    files: results,
    mean: { model: total.model / n, silence: total.silence / n, repeatLast: total.repeatLast / n },
    windows: total.windows,
    skipped,
  };
}

function mse(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum / b.length;
}

/** Loads held-out files as mono at `sampleRate` through the decode cache (decoded once across runs). */
export async function loadEvaluationFiles(
  dataDir: string,
  names: readonly string[],
  sampleRate: number,
  options: { cacheDir?: string; loadAudio?: MonoLoader } = {},
): Promise<EvaluationFile[]> {
  const files: EvaluationFile[] = [];
  for (const name of names) {
    const cached = await cacheAudio(
      path.join(dataDir, name),
      sampleRate,
      options.cacheDir ?? path.join(tmpdir(), "harmonizer-cache"),
      options.loadAudio ?? decodeMono,
    );
    files.push({ name, samples: await readCachedSamples(cached, 0, cached.samples) });
  }
  return files;
}

/** A terminal table: one row per file and a mean row; lower is better, the best of each row marked with *. */
export function formatEvaluationTable(result: EvaluationResult): string {
  const header = ["file", "windows", "model", "silence", "repeat last"];
  const row = (name: string, windows: number, s: Scores): string[] => {
    const best = Math.min(s.model, s.silence, s.repeatLast);
    const cell = (v: number) => `${v.toExponential(3)}${v === best ? " *" : ""}`;
    return [name, String(windows), cell(s.model), cell(s.silence), cell(s.repeatLast)];
  };
  const rows = [
    header,
    ...result.files.map((f) => row(f.name, f.windows, f)),
    row("mean (all windows)", result.windows, result.mean),
  ];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join("  ");
  const lines = [
    line(rows[0]!),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1, -1).map(line),
    widths.map((w) => "-".repeat(w)).join("  "),
    line(rows.at(-1)!),
  ];
  if (result.skipped.length > 0) lines.push(`skipped (shorter than one window): ${result.skipped.join(", ")}`);
  lines.push("MSE on loudness-normalised audio (context at the model's target RMS); lower is better; * = best in row");
  return lines.join("\n");
}

import * as tf from "@tensorflow/tfjs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildModel } from "../model/build.ts";
import type { ModelConfig } from "../model/config.ts";
import { DEFAULT_NORMALISATION, type NormalisationSettings } from "../model/normalise.ts";
import { presetConfig } from "../model/presets.ts";
import { cacheAudio, decodeMono, type CachedAudio, type MonoLoader } from "./cache.ts";
import { listAudioFiles, readSplitFile, splitFiles, type DataSplit, type SplitOptions } from "./dataset.ts";
import { CHECKPOINT_DIR, readCheckpoint } from "./checkpoint.ts";
import { type AudioHyperparameters, type EpochRecord, fitEpochs } from "./audio-fit.ts";
import type { FitProgress } from "./progress.ts";
import {
  TRAINING_DEFAULTS,
  TRAINING_REPORT,
  type TrainingDataSummary,
  type TrainingReportBase,
  type TrainingSettings,
  withDefaults,
} from "./defaults.ts";
import { disposeModel } from "../model/dispose.ts";

export type { AudioHyperparameters, EpochRecord } from "./audio-fit.ts";
export { validationMse } from "./audio-fit.ts";
import { slidingWindows, type WindowRef } from "./windows.ts";

export { CHECKPOINT_DIR, CHECKPOINT_JSON } from "./checkpoint.ts";

export interface TrainOptions extends TrainingSettings {
  readonly validationBatchSize?: number;
  readonly splitOptions?: SplitOptions;
  /** Continue from outDir/checkpoint (epoch count and weights; the optimizer restarts). */
  readonly resume?: boolean;
  readonly normalisation?: NormalisationSettings;
  readonly onProgress?: (event: TrainProgress) => void;
  /** How audio is decoded to mono at the model rate (default engine/audio). */
  readonly loadAudio?: MonoLoader;
}

export type TrainProgress = { readonly phase: "decode"; readonly done: number; readonly total: number } | FitProgress;

export interface TrainingReport extends TrainingReportBase<EpochRecord> {
  readonly hyperparameters: AudioHyperparameters;
  readonly bestEpoch: number | null;
  readonly resumedFromEpoch: number | null;
}

/**
 * Trains the encoder–decoder with MSE and Adam on sliding windows of the files in dataDir, saving a checkpoint after
 * every epoch (outDir/checkpoint), the best model by validation loss (outDir), and outDir/training-report.json.
 */
export async function train(options: TrainOptions): Promise<TrainingReport> {
  const started = performance.now();
  const preset = options.config ? null : (options.preset ?? "small");
  const config = options.config ?? presetConfig(preset!);
  const { seed, ...settings } = withDefaults(options, TRAINING_DEFAULTS.audio);
  const hyper: AudioHyperparameters = { ...settings, normalisation: options.normalisation ?? DEFAULT_NORMALISATION };
  const data = await trainingData(options, config, hyper.hopSeconds);

  const checkpointDir = path.join(options.outDir, CHECKPOINT_DIR);
  const resumed = options.resume ? await readCheckpoint(checkpointDir) : undefined;
  if (resumed && JSON.stringify(resumed.checkpoint.config) !== JSON.stringify(config)) {
    disposeModel(resumed.model);
    throw new RangeError(
      `the checkpoint in ${checkpointDir} was trained with a different model config; train afresh without resume`,
    );
  }
  const model = resumed?.model ?? buildModel(config);
  const optimizer = tf.train.adam(hyper.learningRate);
  model.compile({ optimizer, loss: "meanSquaredError" });
  try {
    const fit = await fitEpochs(model, data, {
      config,
      preset,
      hyper,
      outDir: options.outDir,
      checkpointDir,
      seed,
      resumed: resumed?.checkpoint,
      onProgress: options.onProgress,
    });
    const report: TrainingReport = {
      preset,
      config,
      backend: tf.getBackend(),
      hyperparameters: hyper,
      data: dataSummary(options.dataDir, data),
      ...fit,
      resumedFromEpoch: resumed?.checkpoint.epoch ?? null,
      wallSeconds: (performance.now() - started) / 1000,
      notes: [...REPORT_NOTES, ...(resumed ? [RESUMED_NOTE] : [])],
    };
    await mkdir(options.outDir, { recursive: true });
    await writeFile(path.join(options.outDir, TRAINING_REPORT), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    optimizer.dispose();
    disposeModel(model);
  }
}

const REPORT_NOTES = [
  "the saved model is the epoch with the lowest validation loss (the latest epoch when there is no validation set)",
  "losses are MSE on loudness-normalised audio (context scaled to the target RMS, same gain on the targets)",
];
const RESUMED_NOTE = "resumed from the checkpoint's weights and epoch count; the Adam optimizer state restarted";

function dataSummary(dataDir: string, data: TrainingData): TrainingDataSummary {
  const { split, trainWindows, validationWindows, secondsOf } = data;
  return {
    dataDir,
    files: { train: split.train, validation: split.validation, test: split.test },
    windows: { train: trainWindows.length, validation: validationWindows.length },
    seconds: { train: secondsOf(split.train), validation: secondsOf(split.validation), test: secondsOf(split.test) },
  };
}

interface TrainingData {
  readonly split: DataSplit;
  readonly trainWindows: readonly WindowRef[];
  readonly validationWindows: readonly WindowRef[];
  readonly secondsOf: (names: readonly string[]) => number;
}

/** The split, every file of it decoded (through the cache) and cut into sliding windows. */
async function trainingData(options: TrainOptions, config: ModelConfig, hopSeconds: number): Promise<TrainingData> {
  const split =
    options.split ??
    (options.splitFile
      ? await readSplitFile(options.splitFile)
      : splitFiles(await listAudioFiles(options.dataDir), options.splitOptions));

  const cacheDir = options.cacheDir ?? path.join(tmpdir(), "harmonizer-cache");
  const load = options.loadAudio ?? decodeMono;
  const all = [...split.train, ...split.validation, ...split.test];
  const cached = new Map<string, CachedAudio>();
  for (const [i, name] of all.entries()) {
    cached.set(name, await cacheAudio(path.join(options.dataDir, name), config.sampleRate, cacheDir, load));
    options.onProgress?.({ phase: "decode", done: i + 1, total: all.length });
  }
  const audioOf = (names: readonly string[]) => names.map((n) => cached.get(n)!);
  const secondsOf = (names: readonly string[]) => audioOf(names).reduce((s, a) => s + a.samples / a.sampleRate, 0);
  const trainWindows = slidingWindows(audioOf(split.train), config, hopSeconds);
  const validationWindows = slidingWindows(audioOf(split.validation), config, hopSeconds);
  if (trainWindows.length === 0) {
    const needed = config.encoderSteps + config.decoderSteps;
    throw new RangeError(
      `no training window: every training file is shorter than ${needed} s (${config.encoderSteps} s in + ${config.decoderSteps} s out)`,
    );
  }
  return { split, trainWindows, validationWindows, secondsOf };
}

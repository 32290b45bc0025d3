import * as tf from "@tensorflow/tfjs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildModel } from "../model/build.ts";
import type { ModelConfig } from "../model/config.ts";
import { makeMeta, saveModel } from "../model/io.ts";
import { DEFAULT_NORMALISATION, type NormalisationSettings } from "../model/normalise.ts";
import { presetConfig } from "../model/presets.ts";
import { cacheAudio, decodeMono, type CachedAudio, type MonoLoader } from "./cache.ts";
import {
  listAudioFiles,
  readSplitFile,
  seededShuffle,
  splitFiles,
  type DataSplit,
  type SplitOptions,
} from "./dataset.ts";
import { CHECKPOINT_DIR, type Checkpoint, readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import type { FitProgress } from "./progress.ts";
import { slidingWindows, windowBatches, type WindowRef } from "./windows.ts";

export { CHECKPOINT_DIR, CHECKPOINT_JSON } from "./checkpoint.ts";

export const TRAINING_REPORT = "training-report.json";

/** The audio presets' training defaults (the CLI's flags default to these). */
export const AUDIO_TRAINING = {
  epochs: 10,
  batchSize: 5,
  validationBatchSize: 3,
  learningRate: 1e-3,
  hopSeconds: 5,
  patience: 3,
  seed: 1,
} as const;

export interface TrainOptions {
  /** Folder of audio files (searched recursively). */
  readonly dataDir: string;
  /** Where the best model, the checkpoint and training-report.json go. */
  readonly outDir: string;
  /** Model preset (default "small"); `config` overrides it. */
  readonly preset?: string;
  readonly config?: ModelConfig;
  /** Defaults: AUDIO_TRAINING. */
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly validationBatchSize?: number;
  readonly learningRate?: number;
  /** Hop between training windows, seconds. */
  readonly hopSeconds?: number;
  /** Stop after this many epochs without a better validation loss. */
  readonly patience?: number;
  /** Explicit split (or a JSON file of one); otherwise the seeded 20 % test / 20 % validation split. */
  readonly split?: DataSplit;
  readonly splitFile?: string;
  readonly splitOptions?: SplitOptions;
  /** Decoded float32 audio is kept here (default: <tmp>/harmonizer-cache). */
  readonly cacheDir?: string;
  /** Continue from outDir/checkpoint (epoch count and weights; the optimizer restarts). */
  readonly resume?: boolean;
  /** Seed of the per-epoch window shuffle. */
  readonly seed?: number;
  readonly normalisation?: NormalisationSettings;
  readonly onProgress?: (event: TrainProgress) => void;
  /** How audio is decoded to mono at the model rate (default engine/audio). */
  readonly loadAudio?: MonoLoader;
}

export type TrainProgress = { readonly phase: "decode"; readonly done: number; readonly total: number } | FitProgress;

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number | null;
  readonly seconds: number;
}

export interface TrainingReport {
  readonly preset: string | null;
  readonly config: ModelConfig;
  readonly backend: string;
  readonly hyperparameters: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly validationBatchSize: number;
    readonly learningRate: number;
    readonly hopSeconds: number;
    readonly patience: number;
    readonly normalisation: NormalisationSettings;
  };
  readonly data: {
    readonly dataDir: string;
    readonly files: {
      readonly train: readonly string[];
      readonly validation: readonly string[];
      readonly test: readonly string[];
    };
    readonly windows: { readonly train: number; readonly validation: number };
    readonly seconds: { readonly train: number; readonly validation: number; readonly test: number };
  };
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number | null;
  readonly bestValidationLoss: number | null;
  readonly stoppedEarly: boolean;
  readonly resumedFromEpoch: number | null;
  readonly wallSeconds: number;
  readonly notes: readonly string[];
}

/**
 * Trains the encoder–decoder with MSE and Adam on sliding windows of the files in dataDir, saving a checkpoint after
 * every epoch (outDir/checkpoint), the best model by validation loss (outDir), and outDir/training-report.json.
 */
export async function train(options: TrainOptions): Promise<TrainingReport> {
  const started = performance.now();
  const preset = options.config ? null : (options.preset ?? "small");
  const config = options.config ?? presetConfig(preset!);
  const hyper: Hyperparameters = {
    epochs: options.epochs ?? AUDIO_TRAINING.epochs,
    batchSize: options.batchSize ?? AUDIO_TRAINING.batchSize,
    validationBatchSize: options.validationBatchSize ?? AUDIO_TRAINING.validationBatchSize,
    learningRate: options.learningRate ?? AUDIO_TRAINING.learningRate,
    hopSeconds: options.hopSeconds ?? AUDIO_TRAINING.hopSeconds,
    patience: options.patience ?? AUDIO_TRAINING.patience,
    normalisation: options.normalisation ?? DEFAULT_NORMALISATION,
  };
  const data = await trainingData(options, config, hyper.hopSeconds);

  const checkpointDir = path.join(options.outDir, CHECKPOINT_DIR);
  const resumed = options.resume ? await readCheckpoint(checkpointDir) : undefined;
  if (resumed && JSON.stringify(resumed.checkpoint.config) !== JSON.stringify(config)) {
    resumed.model.dispose();
    throw new RangeError(
      `the checkpoint in ${checkpointDir} was trained with a different model config; train afresh without resume`,
    );
  }
  const model = resumed?.model ?? buildModel(config);
  model.compile({ optimizer: tf.train.adam(hyper.learningRate), loss: "meanSquaredError" });
  const fit = await fitEpochs(model, data, {
    config,
    preset,
    hyper,
    outDir: options.outDir,
    checkpointDir,
    seed: options.seed ?? AUDIO_TRAINING.seed,
    resumed: resumed?.checkpoint,
    onProgress: options.onProgress,
  });

  const { split, trainWindows, validationWindows, secondsOf } = data;
  const report: TrainingReport = {
    preset,
    config,
    backend: tf.getBackend(),
    hyperparameters: hyper,
    data: {
      dataDir: options.dataDir,
      files: { train: split.train, validation: split.validation, test: split.test },
      windows: { train: trainWindows.length, validation: validationWindows.length },
      seconds: { train: secondsOf(split.train), validation: secondsOf(split.validation), test: secondsOf(split.test) },
    },
    ...fit,
    resumedFromEpoch: resumed?.checkpoint.epoch ?? null,
    wallSeconds: (performance.now() - started) / 1000,
    notes: [
      "the saved model is the epoch with the lowest validation loss (the latest epoch when there is no validation set)",
      "losses are MSE on loudness-normalised audio (context scaled to the target RMS, same gain on the targets)",
      ...(resumed ? ["resumed from the checkpoint's weights and epoch count; the Adam optimizer state restarted"] : []),
    ],
  };
  await mkdir(options.outDir, { recursive: true });
  await writeFile(path.join(options.outDir, TRAINING_REPORT), `${JSON.stringify(report, null, 2)}\n`);
  model.dispose();
  return report;
}

type Hyperparameters = TrainingReport["hyperparameters"];

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

interface FitSettings {
  readonly config: ModelConfig;
  readonly preset: string | null;
  readonly hyper: Hyperparameters;
  readonly outDir: string;
  readonly checkpointDir: string;
  readonly seed: number;
  readonly resumed: Checkpoint | undefined;
  readonly onProgress: ((event: TrainProgress) => void) | undefined;
}

type FitOutcome = Pick<TrainingReport, "history" | "bestEpoch" | "bestValidationLoss" | "stoppedEarly">;

/**
 * The epochs (from the checkpoint's on a resume): a shuffled pass over the training windows, the validation MSE,
 * the model saved to outDir when it improved, a checkpoint every epoch, and an early stop after `patience` epochs
 * without a better validation loss.
 */
async function fitEpochs(model: tf.LayersModel, data: TrainingData, settings: FitSettings): Promise<FitOutcome> {
  const { config, hyper, resumed, onProgress } = settings;
  const history: EpochRecord[] = [...(resumed?.history ?? [])];
  let bestEpoch = resumed?.bestEpoch ?? null;
  let bestValidationLoss = resumed?.bestValidationLoss ?? null;
  for (let epoch = (resumed?.epoch ?? 0) + 1; epoch <= hyper.epochs; epoch++) {
    const epochStart = performance.now();
    const order = seededShuffle(data.trainWindows, settings.seed * 1_000 + epoch);
    const batches = Math.ceil(order.length / hyper.batchSize);
    let lossSum = 0;
    let batch = 0;
    for await (const b of windowBatches(order, config, hyper.batchSize, hyper.normalisation)) {
      const loss = await trainStep(model, b.x, b.y, b.size, config);
      lossSum += loss * b.size;
      batch += 1;
      onProgress?.({ phase: "batch", epoch, batch, batches, loss });
    }
    const trainLoss = lossSum / order.length;
    const validationLoss = await validationMse(
      model,
      data.validationWindows,
      config,
      hyper.validationBatchSize,
      hyper.normalisation,
    );
    history.push({ epoch, trainLoss, validationLoss, seconds: (performance.now() - epochStart) / 1000 });
    onProgress?.({ phase: "epoch", epoch, trainLoss, validationLoss });

    const improved = validationLoss === null || bestValidationLoss === null || validationLoss < bestValidationLoss;
    if (improved) {
      bestEpoch = epoch;
      bestValidationLoss = validationLoss;
      await saveBest(model, settings, epoch, trainLoss, validationLoss);
    }
    await writeCheckpoint(
      settings.checkpointDir,
      model,
      { epoch, history, bestEpoch, bestValidationLoss, config },
      hyper.normalisation,
    );
    if (validationLoss !== null && bestEpoch !== null && epoch - bestEpoch >= hyper.patience && epoch < hyper.epochs) {
      return { history, bestEpoch, bestValidationLoss, stoppedEarly: true };
    }
  }
  return { history, bestEpoch, bestValidationLoss, stoppedEarly: false };
}

async function saveBest(
  model: tf.LayersModel,
  settings: FitSettings,
  epoch: number,
  trainLoss: number,
  validationLoss: number | null,
): Promise<void> {
  await saveModel(
    model,
    settings.outDir,
    makeMeta(settings.config, {
      ...(settings.preset ? { preset: settings.preset } : {}),
      normalisation: settings.hyper.normalisation,
      training: {
        epochs: epoch,
        bestValidationLoss: validationLoss,
        finalTrainingLoss: trainLoss,
        trainedAt: new Date().toISOString(),
        backend: tf.getBackend(),
      },
    }),
  );
}

/** One optimizer step on x [n, encoderSteps, sampleRate], y [n, decoderSteps, sampleRate]; returns the batch MSE. */
async function trainStep(
  model: tf.LayersModel,
  x: Float32Array,
  y: Float32Array,
  n: number,
  config: ModelConfig,
): Promise<number> {
  const xs = tf.tensor3d(x, [n, config.encoderSteps, config.sampleRate]);
  const ys = tf.tensor3d(y, [n, config.decoderSteps, config.sampleRate]);
  try {
    const loss = await model.trainOnBatch(xs, ys);
    return Array.isArray(loss) ? loss[0]! : loss;
  } finally {
    tf.dispose([xs, ys]);
  }
}

/** Mean squared error over all validation windows (inference mode), or null without validation data. */
export async function validationMse(
  model: tf.LayersModel,
  windows: readonly WindowRef[],
  config: ModelConfig,
  batchSize: number,
  normalisation: NormalisationSettings,
): Promise<number | null> {
  if (windows.length === 0) return null;
  let sum = 0;
  for await (const b of windowBatches(windows, config, batchSize, normalisation)) {
    const batchMse = tf.tidy(() => {
      const xs = tf.tensor3d(b.x, [b.size, config.encoderSteps, config.sampleRate]);
      const ys = tf.tensor3d(b.y, [b.size, config.decoderSteps, config.sampleRate]);
      return tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor);
    });
    sum += (await batchMse.data())[0]! * b.size;
    batchMse.dispose();
  }
  return sum / windows.length;
}

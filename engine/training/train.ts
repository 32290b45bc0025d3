import * as tf from "@tensorflow/tfjs";
import cliProgress from "cli-progress";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { buildModel } from "../model/build.ts";
import { ModelConfigSchema, type ModelConfig } from "../model/config.ts";
import { loadModel, makeMeta, modelExists, saveModel } from "../model/io.ts";
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
import { slidingWindows, windowBatches, type WindowRef } from "./windows.ts";

export const CHECKPOINT_DIR = "checkpoint";
export const CHECKPOINT_JSON = "checkpoint.json";
export const TRAINING_REPORT = "training-report.json";

export interface TrainOptions {
  /** Folder of audio files (searched recursively). */
  readonly dataDir: string;
  /** Where the best model, the checkpoint and training-report.json go. */
  readonly outDir: string;
  /** Model preset (default "small"); `config` overrides it. */
  readonly preset?: string;
  readonly config?: ModelConfig;
  /** Seed defaults: 10 epochs, batch 5, validation batch 3, Adam 1e-3. */
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly validationBatchSize?: number;
  readonly learningRate?: number;
  /** Hop between training windows, seconds (default 5). */
  readonly hopSeconds?: number;
  /** Stop after this many epochs without a better validation loss (default 3). */
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
  /** Show a terminal progress bar (default: when stderr is a terminal). */
  readonly progressBar?: boolean;
  readonly onProgress?: (event: TrainProgress) => void;
  /** How audio is decoded to mono at the model rate (default engine/audio). */
  readonly loadAudio?: MonoLoader;
}

export type TrainProgress =
  | { readonly phase: "decode"; readonly done: number; readonly total: number }
  | {
      readonly phase: "batch";
      readonly epoch: number;
      readonly batch: number;
      readonly batches: number;
      readonly loss: number;
    }
  | {
      readonly phase: "epoch";
      readonly epoch: number;
      readonly trainLoss: number;
      readonly validationLoss: number | null;
    };

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

const CheckpointSchema = z.object({
  epoch: z.number().int().min(1),
  history: z.array(
    z.object({ epoch: z.number(), trainLoss: z.number(), validationLoss: z.number().nullable(), seconds: z.number() }),
  ),
  bestEpoch: z.number().nullable(),
  bestValidationLoss: z.number().nullable(),
  config: ModelConfigSchema,
});
type Checkpoint = z.infer<typeof CheckpointSchema>;

/**
 * Trains the encoder–decoder with MSE and Adam on sliding windows of the files in dataDir, saving a checkpoint after
 * every epoch (outDir/checkpoint), the best model by validation loss (outDir), and outDir/training-report.json.
 */
export async function train(options: TrainOptions): Promise<TrainingReport> {
  const started = performance.now();
  const preset = options.config ? null : (options.preset ?? "small");
  const config = options.config ?? presetConfig(preset!);
  const hyper = {
    epochs: options.epochs ?? 10,
    batchSize: options.batchSize ?? 5,
    validationBatchSize: options.validationBatchSize ?? 3,
    learningRate: options.learningRate ?? 1e-3,
    hopSeconds: options.hopSeconds ?? 5,
    patience: options.patience ?? 3,
    normalisation: options.normalisation ?? DEFAULT_NORMALISATION,
  };
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
  const trainWindows = slidingWindows(audioOf(split.train), config, hyper.hopSeconds);
  const validationWindows = slidingWindows(audioOf(split.validation), config, hyper.hopSeconds);
  if (trainWindows.length === 0) {
    const needed = config.encoderSteps + config.decoderSteps;
    throw new RangeError(
      `no training window: every training file is shorter than ${needed} s (${config.encoderSteps} s in + ${config.decoderSteps} s out)`,
    );
  }

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

  const history: EpochRecord[] = [...(resumed?.checkpoint.history ?? [])];
  let bestEpoch = resumed?.checkpoint.bestEpoch ?? null;
  let bestValidationLoss = resumed?.checkpoint.bestValidationLoss ?? null;
  let stoppedEarly = false;
  const bar =
    (options.progressBar ?? process.stderr.isTTY === true)
      ? new cliProgress.SingleBar(
          { format: "epoch {epoch} |{bar}| {value}/{total} batches | loss {loss}", hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;

  try {
    for (let epoch = (resumed?.checkpoint.epoch ?? 0) + 1; epoch <= hyper.epochs; epoch++) {
      const epochStart = performance.now();
      const order = seededShuffle(trainWindows, (options.seed ?? 1) * 1_000 + epoch);
      const batches = Math.ceil(order.length / hyper.batchSize);
      bar?.start(batches, 0, { epoch: `${epoch}/${hyper.epochs}`, loss: "-" });
      let lossSum = 0;
      let batch = 0;
      for await (const b of windowBatches(order, config, hyper.batchSize, hyper.normalisation)) {
        const loss = await trainStep(model, b.x, b.y, b.size, config);
        lossSum += loss * b.size;
        batch += 1;
        bar?.update(batch, { loss: loss.toExponential(3) });
        options.onProgress?.({ phase: "batch", epoch, batch, batches, loss });
      }
      bar?.stop();
      const trainLoss = lossSum / order.length;
      const validationLoss = await validationMse(
        model,
        validationWindows,
        config,
        hyper.validationBatchSize,
        hyper.normalisation,
      );
      history.push({ epoch, trainLoss, validationLoss, seconds: (performance.now() - epochStart) / 1000 });
      options.onProgress?.({ phase: "epoch", epoch, trainLoss, validationLoss });

      const improved = validationLoss === null || bestValidationLoss === null || validationLoss < bestValidationLoss;
      if (improved) {
        bestEpoch = epoch;
        bestValidationLoss = validationLoss;
        await saveModel(
          model,
          options.outDir,
          makeMeta(config, {
            ...(preset ? { preset } : {}),
            normalisation: hyper.normalisation,
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
      await writeCheckpoint(
        checkpointDir,
        model,
        { epoch, history, bestEpoch, bestValidationLoss, config },
        hyper.normalisation,
      );
      if (
        validationLoss !== null &&
        bestEpoch !== null &&
        epoch - bestEpoch >= hyper.patience &&
        epoch < hyper.epochs
      ) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    bar?.stop();
  }

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
    history,
    bestEpoch,
    bestValidationLoss,
    stoppedEarly,
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

async function writeCheckpoint(
  dir: string,
  model: tf.LayersModel,
  checkpoint: Checkpoint,
  normalisation: NormalisationSettings,
): Promise<void> {
  await saveModel(model, dir, makeMeta(checkpoint.config, { normalisation }));
  await writeFile(path.join(dir, CHECKPOINT_JSON), `${JSON.stringify(checkpoint, null, 2)}\n`);
}

async function readCheckpoint(dir: string): Promise<{ model: tf.LayersModel; checkpoint: Checkpoint } | undefined> {
  if (!(await modelExists(dir))) return undefined;
  const checkpoint = CheckpointSchema.parse(JSON.parse(await readFile(path.join(dir, CHECKPOINT_JSON), "utf8")));
  const { model } = await loadModel(dir);
  return { model, checkpoint };
}

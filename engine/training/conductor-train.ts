import * as tf from "@tensorflow/tfjs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FEATURE_LAYOUT, SECOND_FRAMES_VERSION } from "../analysis/second-frames.ts";
import { buildModel } from "../model/build.ts";
import { frameWidth, isFeatureModel, type ModelConfig } from "../model/config.ts";
import { loadModel, makeMeta, saveModel } from "../model/io.ts";
import { presetConfig } from "../model/presets.ts";
import { computeStandardisation, type Standardisation } from "../model/standardise.ts";
import { type ConductorEpoch, type ConductorFitResult, fitConductor, seedWeights } from "./conductor-fit.ts";
import { listAudioFiles, readSplitFile, splitFiles, type DataSplit } from "./dataset.ts";
import { loadFileFrames, type PcmLoader } from "./feature-cache.ts";
import { chromaRotation, featureWindows, type FileFrames } from "./feature-windows.ts";
import { disposeModel } from "../model/dispose.ts";
import {
  TRAINING_DEFAULTS,
  TRAINING_REPORT,
  type TrainingDataSummary,
  type TrainingReportBase,
  type TrainingSettings,
  withDefaults,
} from "./defaults.ts";
import type { FitProgress } from "./progress.ts";
import { type ConductorObjective, fitForRanking, RANKING_SETTINGS } from "./rank-train.ts";

export interface ConductorTrainOptions extends TrainingSettings {
  /** Random transposition of the chroma bins of every training window. */
  readonly transpose?: boolean;
  /** "mse" (default): the next horizon frames; "rank": the steering's choice among earlier material (rank-train.ts). */
  readonly objective?: ConductorObjective;
  /** Start from this conductor's weights and standardisation (fine-tuning) instead of seeded weights. */
  readonly initFrom?: string;
  readonly loadAudio?: PcmLoader;
  readonly onProgress?: (event: ConductorProgress) => void;
}

export type ConductorProgress =
  | { readonly phase: "features"; readonly done: number; readonly total: number }
  | FitProgress;

export interface ConductorTrainingReport extends TrainingReportBase<ConductorEpoch> {
  readonly kind: "conductor";
  readonly parameters: number;
  readonly hyperparameters: ConductorHyperparameters;
  readonly features: { readonly version: string; readonly standardisation: Standardisation };
  readonly bestEpoch: number;
  /** Validation MSE of the mean-of-the-context baseline (what the model starts from), for scale. */
  readonly validationContextMeanLoss: number | null;
  /** What it was trained for, from which weights, and the ranking objective's settings when "rank". */
  readonly objective: ConductorObjective;
  readonly initFrom: string | null;
  readonly ranking?: typeof RANKING_SETTINGS & { readonly windows: { train: number; validation: number } };
}

type ConductorHyperparameters = {
  readonly [K in Exclude<keyof typeof TRAINING_DEFAULTS.conductor, "transpose">]: number;
} & { readonly transpose: boolean };

/**
 * Trains a feature model (the conductor) on second frames of the split's training files: standardisation from the
 * training frames, windows of encoderSteps in / decoderSteps out every hopSeconds, Adam on MSE, early stopping on the
 * validation windows (hop 1). With objective "rank", Adam on the ranking loss instead (rank-train.ts); with initFrom,
 * fine-tuned from that conductor (its config and standardisation kept). Writes the best model (model.json, weights, harmonizer.json with the standardisation)
 * and training-report.json to outDir.
 */
export async function trainConductor(options: ConductorTrainOptions): Promise<ConductorTrainingReport> {
  const started = performance.now();
  const init = options.initFrom ? await loadModel(options.initFrom) : undefined;
  const preset = options.config || init ? (init?.meta.preset ?? null) : (options.preset ?? "conductor");
  const config = init?.config ?? options.config ?? presetConfig(preset!);
  if (!isFeatureModel(config))
    throw new RangeError(`preset ${preset ?? "(custom)"} is not a feature model; use train() for audio models`);
  const hyper: ConductorHyperparameters = withDefaults(options, TRAINING_DEFAULTS.conductor);
  const objective = options.objective ?? "mse";
  const data = await prepareData(options, config, hyper.hopSeconds, init?.meta.features?.standardisation);
  const model = init?.model ?? buildModel(config);
  try {
    if (!init) seedWeights(model, hyper.seed, { zero: initialZeros(config) });
    const progress = {
      onBatch: (epoch: number, batch: number, batches: number, loss: number) =>
        options.onProgress?.({ phase: "batch", epoch, batch, batches, loss }),
      onEpoch: ({ epoch, trainLoss, validationLoss }: ConductorEpoch) =>
        options.onProgress?.({ phase: "epoch", epoch, trainLoss, validationLoss }),
    };
    const ranked =
      objective === "rank" ? await fitForRanking(model, data, config, { ...hyper, ...progress }) : undefined;
    const fit =
      ranked?.fit ??
      (await fitConductor(model, data.trainWindows, data.validationWindows, {
        ...hyper,
        ...(hyper.transpose ? { augment: transposition(config) } : {}),
        ...progress,
      }));
    const features = { version: SECOND_FRAMES_VERSION, standardisation: data.standardisation };
    await saveModel(
      model,
      options.outDir,
      makeMeta(config, { ...(preset ? { preset } : {}), features, training: summary(fit) }),
    );
    const report: ConductorTrainingReport = {
      kind: "conductor",
      preset,
      config,
      backend: tf.getBackend(),
      parameters: model.countParams(),
      hyperparameters: hyper,
      features,
      data: dataSummary(options.dataDir, data),
      ...fit,
      validationContextMeanLoss: contextMeanLoss(data.validationWindows),
      objective,
      initFrom: options.initFrom ?? null,
      ...(ranked ? { ranking: { ...RANKING_SETTINGS, windows: ranked.windows } } : {}),
      wallSeconds: (performance.now() - started) / 1000,
      notes: REPORT_NOTES,
    };
    await mkdir(options.outDir, { recursive: true });
    await writeFile(path.join(options.outDir, TRAINING_REPORT), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    disposeModel(model);
  }
}

/** The augmentation of every training window: its chroma bins rotated by a random number of semitones. */
const transposition = (config: ModelConfig) =>
  chromaRotation(config.encoderSteps, config.decoderSteps, frameWidth(config), FEATURE_LAYOUT.chroma[0]);

/** The training summary saved in the model's metadata (harmonizer.json). */
function summary(fit: ConductorFitResult) {
  return {
    epochs: fit.bestEpoch,
    bestValidationLoss: fit.bestValidationLoss,
    finalTrainingLoss: fit.history.find((e) => e.epoch === fit.bestEpoch)?.trainLoss ?? null,
    trainedAt: new Date().toISOString(),
    backend: tf.getBackend(),
  };
}

function dataSummary(dataDir: string, data: Awaited<ReturnType<typeof prepareData>>): TrainingDataSummary {
  const seconds = (files: readonly FileFrames[]) => files.reduce((s, f) => s + f.frames.length, 0);
  const { split } = data;
  return {
    dataDir,
    files: { train: split.train, validation: split.validation, test: split.test },
    windows: { train: data.trainWindows.count, validation: data.validationWindows.count },
    seconds: { train: seconds(data.train), validation: seconds(data.validation) },
  };
}

const REPORT_NOTES = [
  "losses are MSE of standardised second frames (per-dimension training mean and deviation; chroma bins pooled)",
  "the saved model holds the weights of the epoch with the lowest validation loss",
  "test files are listed but never read in training; score them with `harmonizer evaluate`",
];

/**
 * The split, the train and validation files' frames, the standardisation (training frames, chroma bins pooled) and
 * the standardised windows: training every hopSeconds, validation every second.
 */
async function prepareData(
  options: ConductorTrainOptions,
  config: ModelConfig,
  hopSeconds: number,
  given?: Standardisation,
) {
  const split =
    options.split ??
    (options.splitFile ? await readSplitFile(options.splitFile) : splitFiles(await listAudioFiles(options.dataDir)));
  const { train, validation } = await splitFrames(options, split);
  const standardisation =
    given ??
    computeStandardisation(
      train.flatMap((f) => f.frames),
      [FEATURE_LAYOUT.chroma],
    );
  const trainWindows = featureWindows(train, config, hopSeconds, standardisation);
  const validationWindows = featureWindows(validation, config, 1, standardisation);
  if (trainWindows.count === 0) {
    throw new RangeError(
      `no training window: every training file is shorter than ${config.encoderSteps + config.decoderSteps} s`,
    );
  }
  return { split, train, validation, standardisation, trainWindows, validationWindows };
}

/** Second frames of the train and validation files (test files are not read), through the feature cache. */
async function splitFrames(
  options: ConductorTrainOptions,
  split: DataSplit,
): Promise<{ train: FileFrames[]; validation: FileFrames[] }> {
  const cacheDir = options.cacheDir ?? path.join(tmpdir(), "harmonizer-cache");
  const total = split.train.length + split.validation.length;
  const load = (names: readonly string[], offset: number) =>
    loadFileFrames(options.dataDir, names, {
      cacheDir,
      ...(options.loadAudio ? { load: options.loadAudio } : {}),
      onFile: (done) => options.onProgress?.({ phase: "features", done: offset + done, total }),
    });
  return { train: await load(split.train, 0), validation: await load(split.validation, split.train.length) };
}

/**
 * Layers that start at zero: with unitSkip every unit's output layer (the unit starts as its relation step), and with
 * residual "context-mean" the decoder's relation weights too, so the model starts exactly as the context mean.
 */
export function initialZeros(config: ModelConfig): RegExp | undefined {
  const patterns = [
    ...(config.unitSkip === true ? ["_output$"] : []),
    ...(config.residual === "context-mean" ? ["^decoder(_\\d+)?_relation$", "^decoder(_\\d+)?_output$"] : []),
  ];
  return patterns.length === 0 ? undefined : new RegExp(patterns.join("|"));
}

/** MSE of predicting every target frame as the mean of its window's context frames (standardised), or null. */
export function contextMeanLoss(windows: ReturnType<typeof featureWindows>): number | null {
  if (windows.count === 0) return null;
  const { contextFrames: c, horizonFrames: h, featureSize: f } = windows;
  let sum = 0;
  const mean = new Float64Array(f);
  for (let w = 0; w < windows.count; w++) {
    mean.fill(0);
    for (let t = 0; t < c; t++) for (let d = 0; d < f; d++) mean[d]! += windows.x[(w * c + t) * f + d]! / c;
    for (let t = 0; t < h; t++) for (let d = 0; d < f; d++) sum += (windows.y[(w * h + t) * f + d]! - mean[d]!) ** 2;
  }
  return sum / (windows.count * h * f);
}

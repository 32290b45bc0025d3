/**
 * The engine's API for its adapters (the CLI, the scripts, the AWS worker), imported as `#engine`: extend a song,
 * train a model, evaluate a model or the engines, describe a model. Nothing inside engine/ imports this file.
 */
import { describeModel, type ModelDescription } from "./model/build.ts";
import { loadConductor } from "./model/conductor.ts";
import { loadModelMeta, modelExists, modelKind, type ModelMeta } from "./model/io.ts";
import { presetConfig } from "./model/presets.ts";
import { SHIPPED_CONDUCTOR_DIR } from "./model/shipped.ts";
import type { BackendChoice } from "./model/backend.ts";
import { HarmonizerInputError } from "./errors.ts";
import { evaluateEnginesOnFiles } from "./extend/evaluate-files.ts";
import type { Candidate } from "./extend/extenders.ts";
import { chooseSplit, evaluationFiles, type FileChoice } from "./training/evaluate-model.ts";
import { loadPredictor } from "./job.ts";

// Extend: one job from the bytes of a song to the result's bytes, picture and report.
export {
  type ExtensionJobInput,
  type ExtensionJobOutput,
  type ExtensionReport,
  type JobPhase,
  hasModel,
  runExtensionJob,
} from "./job.ts";
export { createJobRunner, type JobRunner } from "./batch.ts";
export { clockSeconds, clockTenths } from "./clock.ts";

// Loop points: where a song can loop seamlessly (for game engines and players), found with the planner's analysis.
export {
  failedLimit,
  findSongLoop,
  type LoopJoin,
  type LoopPoints,
  type LoopSearch,
  SEAMLESS,
  type SongLoop,
} from "./loop/index.ts";
export { DEFAULT_CROSSFADE_SECONDS, DEFAULT_ENGINE, DEFAULT_FADE_OUT_SECONDS, ENGINES } from "./extend/extend.ts";
export { DEFAULT_FORM, type EngineName, FORM_SETTINGS, type FormName, type FormSetting } from "./extend/types.ts";
export { DEFAULT_LIMITS, type InputLimits, MIN_TARGET_SECONDS } from "./limits.ts";
export {
  LENGTH_FORMS,
  lengthSeconds,
  namesZeroLength,
  readLength,
  type TargetLength,
  ZERO_LENGTH_REFUSAL,
} from "./target-length.ts";
export { sniffFormat } from "./audio/format.ts";
export {
  FORMAT_CHOICES,
  FORMAT_INFO,
  isLossy,
  MemorySink,
  encodedSampleRate,
  OPUS_RATE,
  type OutputSink,
  QUALITY_KBPS_RANGE,
  type ResolvedOutput,
  resolveOutput,
} from "./audio/encode/index.ts";
export { buildResultPage, relativePageLinks } from "./report/page.ts";
export { GENERATOR, isSignedByHarmonizer } from "./report/signature.ts";
export { HarmonizerInputError, type InputErrorCode, isInputError } from "./errors.ts";
export { BACKEND_CHOICES, type BackendChoice, BackendUnavailableError, selectBackend } from "./model/backend.ts";
export { SHIPPED_CONDUCTOR_DIR };

// Train: either model kind, with the defaults of TRAINING_DEFAULTS.
export { TRAINING_DEFAULTS, TRAINING_REPORT, type TrainingKind } from "./training/defaults.ts";
export {
  type TrainModelOptions,
  type TrainModelProgress,
  type TrainModelResult,
  trainingKind,
  trainModel,
} from "./training/train-model.ts";
export type { TrainingReport } from "./training/train.ts";
export type { ConductorTrainingReport } from "./training/conductor-train.ts";
export { PRESET_NAMES } from "./model/presets.ts";

// Evaluate: a trained model's predictions, or the engines' extensions.
export {
  type FileChoice,
  type ScoreModelOptions,
  type ScoreModelResult,
  scoreModel,
} from "./training/evaluate-model.ts";
export { CANDIDATES, type Candidate } from "./extend/extenders.ts";
export {
  checkTargets,
  type EngineEvaluation,
  formatCheckValue,
  formatMedianTable,
  medianReports,
  type QualityReport,
  type SeamReading,
  type TargetCheck,
} from "./quality/index.ts";

export interface EvaluateEnginesOnDataOptions {
  readonly dataDir: string;
  readonly candidates: readonly Candidate[];
  /** Which files of the split (see scoreModel) to extend. */
  readonly files: FileChoice;
  readonly splitFile?: string;
  /** The raw-audio model hybrid and neural need; a conductor here steers the conductor engine. */
  readonly modelDir: string;
  readonly backend?: BackendChoice;
  /** Each file is extended to stretch times its length, but to at least minSeconds. */
  readonly stretch: number;
  readonly minSeconds: number;
  readonly onFile?: (name: string, seconds: number, targetSeconds: number) => void;
  /** A file left out because `extend` would refuse it, and why. */
  readonly onSkip?: (name: string, reason: string) => void;
}

/**
 * Every candidate (engine or baseline) extends every chosen file; the quality report of each run and the median of
 * each metric per candidate. The conductor engine uses modelDir when it holds a conductor, else the shipped one.
 */
export async function evaluateEnginesOnData(options: EvaluateEnginesOnDataOptions) {
  const { split, source } = await chooseSplit(options);
  const names = await evaluationFiles(options, split, source);
  const { candidates, backend } = options;
  const isConductor = (await modelExists(options.modelDir)) && (await modelKind(options.modelDir)) === "conductor";
  const models = {
    predictor:
      candidates.includes("hybrid") || candidates.includes("neural")
        ? await loadPredictor(options.modelDir, backend)
        : undefined,
    conductor: candidates.includes("conductor")
      ? await loadConductor(isConductor ? options.modelDir : SHIPPED_CONDUCTOR_DIR, backend)
      : undefined,
  };
  const skipped: { file: string; reason: string }[] = [];
  const onSkip = (file: string, reason: string) => {
    skipped.push({ file, reason });
    options.onSkip?.(file, reason);
  };
  const runs = await evaluateEnginesOnFiles({ ...options, names, models, onSkip });
  const files = names.filter((name) => !skipped.some((s) => s.file === name));
  if (files.length === 0) {
    const reasons = skipped.map((s) => `${s.file}: ${s.reason}`).join("; ");
    throw new HarmonizerInputError("NOT_AUDIO", `none of the songs in ${options.dataDir} can be extended (${reasons})`);
  }
  return { files, skipped, engines: candidates, runs };
}

// Info: a preset's or a trained model's architecture and parameter count.
export type ModelInfo = ModelDescription & {
  readonly model?: string;
  readonly training?: ModelMeta["training"] | null;
};

/** Describes a built-in preset (by name) or the model trained into a directory. */
export async function modelInfo(source: { preset: string } | { modelDir: string }): Promise<ModelInfo> {
  if ("preset" in source) return describeModel(presetConfig(source.preset), source.preset);
  const meta = await loadModelMeta(source.modelDir);
  const description = describeModel(meta.config, meta.preset ?? undefined);
  return { ...description, model: source.modelDir, training: meta.training ?? null };
}

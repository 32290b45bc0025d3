import type * as tf from "@tensorflow/tfjs";
import { FEATURE_LAYOUT } from "../analysis/second-frames.ts";
import type { ModelConfig } from "../model/config.ts";
import { frameWidth } from "../model/config.ts";
import type { Standardisation } from "../model/standardise.ts";
import type { ConductorFitOptions, ConductorFitResult } from "./conductor-fit.ts";
import { chromaRotation, type FileFrames } from "./feature-windows.ts";
import { fitRankingConductor, RANKING_FIT_DEFAULTS } from "./rank-fit.ts";
import { distanceWeights, RANKING_DEFAULTS, rankingWindows } from "./rank-windows.ts";

/** What the conductor is trained for: "mse" its next 10 s, "rank" the choice among earlier material it is used for. */
export const CONDUCTOR_OBJECTIVES = ["mse", "rank"] as const;
export type ConductorObjective = (typeof CONDUCTOR_OBJECTIVES)[number];

/** The ranking objective's settings, as recorded in the training report. */
export const RANKING_SETTINGS = { ...RANKING_DEFAULTS, ...RANKING_FIT_DEFAULTS } as const;

/**
 * Fits `model` with the ranking objective (rank-fit.ts) on ranking windows of the train files (a cut every hopSeconds)
 * and the validation files (every 2 s), each window's candidates drawn with a seeded generator.
 */
export async function fitForRanking(
  model: tf.LayersModel,
  data: { train: readonly FileFrames[]; validation: readonly FileFrames[]; standardisation: Standardisation },
  config: ModelConfig,
  fit: Omit<ConductorFitOptions, "augment"> & { readonly transpose: boolean; readonly hopSeconds: number },
): Promise<{ readonly fit: ConductorFitResult; readonly windows: { train: number; validation: number } }> {
  const windowOptions = (hopFrames: number, seed: number) => ({
    contextFrames: config.encoderSteps,
    horizonFrames: config.decoderSteps,
    hopFrames,
    candidates: RANKING_SETTINGS.candidates,
    nearest: RANKING_SETTINGS.nearest,
    seed,
  });
  const train = rankingWindows(data.train, data.standardisation, windowOptions(fit.hopSeconds, fit.seed));
  const validation = rankingWindows(data.validation, data.standardisation, windowOptions(2, fit.seed + 1));
  if (train.count === 0)
    throw new RangeError(`no ranking window: every training file is too short for ${train.candidates} candidates`);
  const stretchFrames = (RANKING_SETTINGS.candidates + 1) * config.decoderSteps;
  const result: ConductorFitResult = await fitRankingConductor(model, train, validation, {
    ...fit,
    tau: RANKING_SETTINGS.tau,
    mseWeight: RANKING_SETTINGS.mseWeight,
    weights: distanceWeights(data.standardisation),
    ...(fit.transpose
      ? { augment: chromaRotation(config.encoderSteps, stretchFrames, frameWidth(config), FEATURE_LAYOUT.chroma[0]) }
      : {}),
  });
  return { fit: result, windows: { train: train.count, validation: validation.count } };
}

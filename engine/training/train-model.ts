import { selectBackend, type BackendChoice } from "../model/backend.ts";
import { isFeatureModel } from "../model/config.ts";
import { presetConfig } from "../model/presets.ts";
import { type DataSplit, listAudioFiles, readSplitFile, splitFiles } from "./dataset.ts";
import { type ConductorProgress, type ConductorTrainingReport, trainConductor } from "./conductor-train.ts";
import type { TrainingKind, TrainingSettings } from "./defaults.ts";
import type { ConductorObjective } from "./rank-train.ts";
import { train, type TrainingReport, type TrainProgress } from "./train.ts";

/** The trainer a preset needs: feature presets (the conductor) train on second frames, the others on raw audio. */
export const trainingKind = (preset: string): TrainingKind =>
  isFeatureModel(presetConfig(preset)) ? "conductor" : "audio";

/** The settings of either trainer; what is left out comes from TRAINING_DEFAULTS[trainingKind(preset)]. */
export interface TrainModelOptions extends Omit<TrainingSettings, "config" | "split"> {
  readonly backend?: BackendChoice;
  /** Audio presets only. */
  readonly validationBatchSize?: number;
  /** Audio presets only: continue from outDir/checkpoint. */
  readonly resume?: boolean;
  /** Feature presets only: what the conductor is trained for (default "mse"; "rank": the steering's choice). */
  readonly objective?: ConductorObjective;
  /** Feature presets only: fine-tune from this conductor's folder. */
  readonly initFrom?: string;
  /** Called once the backend is chosen, before any data is read. */
  readonly onBackend?: (backend: string) => void;
  readonly onProgress?: (event: TrainModelProgress) => void;
}

/** Progress of either trainer: files decoded (audio) or turned into features (conductor), batches, epochs. */
export type TrainModelProgress = TrainProgress | ConductorProgress;

export type TrainModelResult =
  | { readonly kind: "audio"; readonly backend: string; readonly report: TrainingReport }
  | { readonly kind: "conductor"; readonly backend: string; readonly report: ConductorTrainingReport };

/**
 * Trains the preset's model kind on dataDir and writes the model and training-report.json to outDir. A resume of a
 * feature preset is refused (RangeError): its training takes minutes and keeps no checkpoint.
 */
export async function trainModel(options: TrainModelOptions): Promise<TrainModelResult> {
  const preset = options.preset ?? "small";
  const kind = trainingKind(preset);
  if (kind === "conductor" && options.resume)
    throw new RangeError(`resume is not supported with a feature preset (${preset}); its training takes minutes`);
  if (kind === "audio" && (options.objective === "rank" || options.initFrom !== undefined))
    throw new RangeError(`a ranking objective or a starting conductor needs a feature preset, not ${preset}`);
  // The data is read before the backend loads (a second or more): a missing folder or too few songs are refused at once.
  const split = await trainingSplit(options);
  const backend = await selectBackend(options.backend ?? "auto");
  options.onBackend?.(backend);
  const {
    backend: _choice,
    onBackend: _report,
    resume,
    validationBatchSize,
    objective,
    initFrom,
    ...common
  } = {
    ...options,
    preset,
    split,
  };
  if (kind === "conductor") return { kind, backend, report: await trainConductor({ ...common, objective, initFrom }) };
  const report = await train({ ...common, validationBatchSize, resume });
  return { kind, backend, report };
}

/** The split both trainers use: the split file's, else the seeded split of the data folder's songs. */
async function trainingSplit(options: TrainModelOptions): Promise<DataSplit> {
  const files = await listAudioFiles(options.dataDir);
  return options.splitFile ? readSplitFile(options.splitFile) : splitFiles(files);
}

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { HarmonizerInputError } from "../errors.ts";
import { selectBackend, type BackendChoice } from "../model/backend.ts";
import { loadConductor } from "../model/conductor.ts";
import { loadModel, loadModelMeta, modelKind } from "../model/io.ts";
import { createPredictor } from "../model/predictor.ts";
import { type ConductorEvaluation, evaluateConductor, formatConductorTable } from "./conductor-evaluate.ts";
import { type DataSplit, listAudioFiles, readSplitFile, splitFiles } from "./dataset.ts";
import { TRAINING_REPORT } from "./defaults.ts";
import { type EvaluationResult, evaluateModel, formatEvaluationTable, loadEvaluationFiles } from "./evaluate.ts";
import { loadFileFrames } from "./feature-cache.ts";
import { disposeModel } from "../model/dispose.ts";

export type FileChoice = "test" | "validation" | "all";

export interface ScoreModelOptions {
  readonly modelDir: string;
  readonly dataDir: string;
  /** A JSON {train, validation, test} split; default the one in the model's training-report.json, else seeded. */
  readonly splitFile?: string;
  readonly files: FileChoice;
  /** Hop between scored windows, seconds (default: a predictor its horizon, 10; a conductor 1). */
  readonly hopSeconds?: number;
  readonly cacheDir?: string;
  readonly backend?: BackendChoice;
}

interface Scored {
  readonly model: string;
  readonly backend: string;
  readonly scored: FileChoice;
  /** Where the split came from: the split file, the training report, or "seeded". */
  readonly split: string;
  readonly fileCount: number;
  /** The scores as a terminal table. */
  readonly table: string;
}

export type ScoreModelResult =
  | (Scored & { readonly kind: "predictor"; readonly result: EvaluationResult })
  | (Scored & { readonly kind: "conductor"; readonly hopSeconds: number; readonly result: ConductorEvaluation });

/**
 * Scores a trained model on held-out files beside its baselines: a raw-audio predictor by the MSE of its 10 s
 * predictions, a conductor by the MSE and cosine of its predicted feature frames (in its standardised space).
 * Throws HarmonizerInputError NOT_AUDIO when the chosen files are none.
 */
export async function scoreModel(options: ScoreModelOptions): Promise<ScoreModelResult> {
  const { split, source } = await chooseSplit(options);
  const names = await evaluationFiles(options, split, source);
  const cacheDir = options.cacheDir ?? path.join(tmpdir(), "harmonizer-cache");
  const common = { model: options.modelDir, scored: options.files, split: source, fileCount: names.length };
  if ((await modelKind(options.modelDir)) === "conductor") {
    const meta = await loadModelMeta(options.modelDir);
    const conductor = await loadConductor(options.modelDir, options.backend);
    const files = await loadFileFrames(options.dataDir, names, { cacheDir });
    const hopSeconds = options.hopSeconds ?? 1;
    const standardisation = meta.features!.standardisation;
    const result = await evaluateConductor({ conductor, files, standardisation, hopFrames: hopSeconds });
    const table = formatConductorTable(result);
    return { kind: "conductor", ...common, backend: conductor.backend, hopSeconds, result, table };
  }
  const backend = await selectBackend(options.backend ?? "auto");
  const loaded = await loadModel(options.modelDir);
  try {
    const predictor = createPredictor(loaded);
    const files = await loadEvaluationFiles(options.dataDir, names, predictor.sampleRate, { cacheDir });
    const result = await evaluateModel({ predictor, files, hopSeconds: options.hopSeconds });
    return { kind: "predictor", ...common, backend, result, table: formatEvaluationTable(result) };
  } finally {
    disposeModel(loaded.model);
  }
}

/** The names of the files to score (relative to dataDir); refuses an empty choice, naming the folder and the split. */
export async function evaluationFiles(
  options: Pick<ScoreModelOptions, "dataDir" | "files">,
  split: DataSplit,
  source: string,
): Promise<readonly string[]> {
  const present = await listAudioFiles(options.dataDir);
  const names = options.files === "all" ? present : split[options.files];
  if (names.length === 0) {
    throw new HarmonizerInputError(
      "NOT_AUDIO",
      `no ${options.files} files to evaluate in ${options.dataDir} (split: ${source})`,
    );
  }
  const missing = names.filter((name) => !existsSync(path.join(options.dataDir, name)));
  if (missing.length === 0) return names;
  // A model's training report names the songs it was trained on: scoring it on another folder needs --files all.
  throw new HarmonizerInputError(
    "NOT_AUDIO",
    `${missing.length} of the ${names.length} ${options.files} files of the split (${source}) are not in ` +
      `${options.dataDir}, e.g. ${missing[0]}; give the folder that split was made from, --files all, or --split FILE`,
  );
}

const ReportSplitSchema = z.object({
  data: z.object({
    files: z.object({ train: z.array(z.string()), validation: z.array(z.string()), test: z.array(z.string()) }),
  }),
});

/**
 * The split to score: the split file, else the one in the model's training report, else the seeded split; none for
 * --files all (every song of the folder is scored, however few).
 */
export async function chooseSplit(
  options: Pick<ScoreModelOptions, "splitFile" | "modelDir" | "dataDir"> & { readonly files?: FileChoice },
): Promise<{ split: DataSplit; source: string }> {
  if (options.files === "all") return { split: { train: [], validation: [], test: [] }, source: "none, --files all" };
  if (options.splitFile) return { split: await readSplitFile(options.splitFile), source: options.splitFile };
  const reportFile = path.join(options.modelDir, TRAINING_REPORT);
  const report = await readFile(reportFile, "utf8").then(
    (text) => ReportSplitSchema.safeParse(JSON.parse(text)),
    () => undefined,
  );
  if (report?.success) return { split: report.data.data.files, source: reportFile };
  return { split: splitFiles(await listAudioFiles(options.dataDir)), source: "seeded" };
}

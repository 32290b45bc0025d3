import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { HarmonizerInputError } from "../engine/errors.ts";
import type { BackendChoice } from "../engine/model/backend.ts";
import { loadConductor } from "../engine/model/conductor.ts";
import { loadModelMeta } from "../engine/model/io.ts";
import { evaluateConductor, formatConductorTable } from "../engine/training/conductor-evaluate.ts";
import { listAudioFiles, readSplitFile, splitFiles, type DataSplit } from "../engine/training/dataset.ts";
import { loadFileFrames } from "../engine/training/feature-cache.ts";
import { TRAINING_REPORT } from "../engine/training/train.ts";

/** The flags of `harmonizer evaluate` a conductor model reads. */
export interface ConductorEvaluateFlags {
  model: string;
  data: string;
  split?: string;
  files: "test" | "validation" | "all";
  hop?: number;
  cache?: string;
  backend: BackendChoice;
  json: boolean;
  out?: string;
}

/**
 * `harmonizer evaluate --model DIR` when DIR holds a conductor: the conductor and three baselines on the held-out
 * files, in the model's standardised feature space. The files come from --split, else from the split recorded in the
 * model's training-report.json (so the test files are the ones training never read), else from the seeded split.
 */
export async function evaluateConductorCommand(flags: ConductorEvaluateFlags): Promise<void> {
  const { split, source } = await chooseSplit(flags);
  const names = flags.files === "all" ? await listAudioFiles(flags.data) : split[flags.files];
  if (names.length === 0)
    throw new HarmonizerInputError("TOO_SHORT", `no ${flags.files} files to evaluate in ${flags.data}`);
  const meta = await loadModelMeta(flags.model);
  const conductor = await loadConductor(flags.model, flags.backend);
  const files = await loadFileFrames(flags.data, names, {
    cacheDir: flags.cache ?? path.join(tmpdir(), "harmonizer-cache"),
  });
  const result = await evaluateConductor({
    conductor,
    files,
    standardisation: meta.features!.standardisation,
    hopFrames: flags.hop ?? 1,
  });
  const json = {
    model: flags.model,
    kind: "conductor",
    backend: conductor.backend,
    scored: flags.files,
    split: source,
    hopSeconds: flags.hop ?? 1,
    ...result,
  };
  if (flags.out) await writeFile(flags.out, `${JSON.stringify(json, null, 2)}\n`);
  if (flags.json) {
    console.log(JSON.stringify(json, null, 2));
    return;
  }
  console.log(
    `conductor ${flags.model} on ${conductor.backend}, ${names.length} ${flags.files} file(s) (split: ${source})`,
  );
  console.log(formatConductorTable(result));
}

const ReportSplitSchema = z.object({
  data: z.object({
    files: z.object({ train: z.array(z.string()), validation: z.array(z.string()), test: z.array(z.string()) }),
  }),
});

async function chooseSplit(flags: ConductorEvaluateFlags): Promise<{ split: DataSplit; source: string }> {
  if (flags.split) return { split: await readSplitFile(flags.split), source: flags.split };
  const reportFile = path.join(flags.model, TRAINING_REPORT);
  const report = await readFile(reportFile, "utf8").then(
    (text) => ReportSplitSchema.safeParse(JSON.parse(text)),
    () => undefined,
  );
  if (report?.success) return { split: report.data.data.files, source: reportFile };
  return { split: splitFiles(await listAudioFiles(flags.data)), source: "seeded" };
}

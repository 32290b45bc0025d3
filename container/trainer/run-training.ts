import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { Logger } from "@aws-lambda-powertools/logger";
import { z } from "zod";
import { errorMessage } from "#aws/shared/errors.ts";
import { candidatePrefix, promoteCommand, trainingSetPrefix } from "#aws/shared/model-keys.ts";
import { publishNotification } from "#aws/shared/notifications.ts";
import type { TrainerConfig } from "./config.ts";
import { downloadPrefix, listPrefix, uploadFolder } from "./s3-folder.ts";

/** The CLI the training task runs: `harmonizer train` exactly as on a workstation. */
export const HARMONIZER_BIN = resolve(import.meta.dirname, "../../bin/harmonizer.mjs");
/** What `harmonizer train --out` writes beside the model; the candidate leaves the resume checkpoint out. */
const REPORT_FILE = "training-report.json";
const CHECKPOINT_DIR = "checkpoint/";
/** Lines of the CLI's output kept for a failure email. */
const TAIL_LINES = 30;

export interface TrainerDeps {
  readonly config: TrainerConfig;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly logger: Logger;
}

/** The few fields of either trainer's report (audio or conductor) the email quotes. */
const ReportSummary = z.object({
  preset: z.string().nullable().optional(),
  history: z.array(z.unknown()),
  wallSeconds: z.number(),
  bestValidationLoss: z.number().nullable().optional(),
  bestEpoch: z.number().nullable().optional(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export type TrainingOutcome =
  | { readonly status: "succeeded"; readonly keys: readonly string[]; readonly report: ReportSummary }
  | { readonly status: "failed"; readonly error: string };

/** The training run: songs from S3 -> `harmonizer train` -> candidate model in S3 -> an email either way. */
export async function runTraining(deps: TrainerDeps): Promise<TrainingOutcome> {
  const { config, logger } = deps;
  let outcome: TrainingOutcome;
  try {
    outcome = await trainCandidate(deps);
    logger.info("training run finished", { candidate: config.candidateId, files: outcome.keys.length });
  } catch (error) {
    outcome = { status: "failed", error: errorMessage(error) };
    logger.error("training run failed", { candidate: config.candidateId, error });
  }
  await publishNotification(deps.sns, config.topicArn, trainingNotification(config, outcome));
  return outcome;
}

async function trainCandidate(deps: TrainerDeps): Promise<Extract<TrainingOutcome, { status: "succeeded" }>> {
  const { config, s3, logger } = deps;
  const bucket = config.modelsBucket;
  const target = candidatePrefix(config.candidateId);
  if ((await listPrefix(s3, bucket, target)).length > 0) {
    throw new Error(`s3://${bucket}/${target} already holds a candidate; choose another CANDIDATE_ID`);
  }
  // A folder of this run's own: WORK_DIR itself is never emptied.
  const runDir = join(config.workDir, config.candidateId);
  const dataDir = join(runDir, "data");
  const modelDir = join(runDir, "model");
  await rm(runDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });

  const source = trainingSetPrefix(config.trainingSet);
  const songs = await downloadPrefix(s3, bucket, source, dataDir);
  if (songs.length === 0) throw new Error(`no training set: s3://${bucket}/${source} holds no objects`);
  logger.info("training set downloaded", { source, files: songs.length });

  await runHarmonizerTrain(["train", "--data", dataDir, "--out", modelDir, "--no-progress", ...config.trainArgs]);
  const report = ReportSummary.parse(JSON.parse(await readFile(join(modelDir, REPORT_FILE), "utf8")));
  const keys = await uploadFolder(s3, bucket, modelDir, target, (file) => file.startsWith(CHECKPOINT_DIR));
  await rm(runDir, { recursive: true, force: true });
  return { status: "succeeded", keys, report };
}

/** Runs the CLI, its output passed through to the task's log; rejects with the output's tail when it fails. */
function runHarmonizerTrain(args: readonly string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [HARMONIZER_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const keep = (chunk: Buffer, sink: NodeJS.WriteStream) => {
      sink.write(chunk);
      tail.push(
        ...chunk
          .toString()
          .split(/\r?\n|\r/)
          .filter((line) => line.trim() !== ""),
      );
      tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
    };
    child.stdout.on("data", (chunk: Buffer) => keep(chunk, process.stdout));
    child.stderr.on("data", (chunk: Buffer) => keep(chunk, process.stderr));
    child.once("error", fail);
    child.once("close", (code, signal) => {
      if (code === 0) done();
      else fail(new Error(`harmonizer ${args.join(" ")} exited with ${signal ?? `code ${code}`}:\n${tail.join("\n")}`));
    });
  });
}

function trainingNotification(config: TrainerConfig, outcome: TrainingOutcome) {
  const bucket = config.modelsBucket;
  const source = `s3://${bucket}/${trainingSetPrefix(config.trainingSet)}`;
  if (outcome.status === "failed") {
    return {
      kind: "training" as const,
      subject: `Training run ${config.candidateId} failed`,
      text: `Training run ${config.candidateId} on ${source} failed; no candidate was written.\n\n${outcome.error}\n`,
    };
  }
  const { report } = outcome;
  const loss = report.bestValidationLoss == null ? "n/a" : report.bestValidationLoss.toPrecision(4);
  return {
    kind: "training" as const,
    subject: `Training run ${config.candidateId} finished`,
    text:
      `Training run ${config.candidateId} on ${source} finished: preset ${report.preset ?? "custom"}, ` +
      `${report.history.length} epochs in ${report.wallSeconds.toFixed(1)} s, best validation MSE ${loss}` +
      `${report.bestEpoch == null ? "" : ` (epoch ${report.bestEpoch})`}.\n\n` +
      `Candidate: s3://${bucket}/${candidatePrefix(config.candidateId)} (${outcome.keys.length} files, ` +
      `${REPORT_FILE} among them).\n\nTo make it the model new workers load:\n  ${promoteCommand(bucket, config.candidateId)}\n`,
  };
}

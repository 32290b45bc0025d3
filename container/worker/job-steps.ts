import { FORMAT_METADATA } from "../../contract/pipeline.ts";
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { HarmonizerInputError } from "../../engine/errors.ts";
import type { JobMessage } from "#aws/shared/job-schema.ts";
import { publishNotification } from "#aws/shared/notifications.ts";
import { baseName, MAX_NAME_BYTES, type ResultKeys, resultKeys, truncateUtf8 } from "#aws/shared/object-keys.ts";
import { isConditionFailed } from "#aws/shared/errors.ts";
import { type ClaimPlace, claimJob, settleClaim } from "./claim.ts";
import type { WorkerConfig } from "./config.ts";
import { type ResultLinks, type ResultSummary, resultNotification } from "./job-notifications.ts";
import { linkLifetime, presignDownload } from "./presign.ts";
import { defaultOutputFormat, FORMAT_INFO, parseFormatName } from "../../engine/audio/encode/formats.ts";
import { resultUploads } from "./s3-sink.ts";
import { copyOriginal, pageKeys, pageReport, publishResultPage, reportFormat } from "./result-page.ts";
import type { WorkerDeps } from "./deps.ts";
import { resultExists, uploadResult } from "./results.ts";

/** How a job's steps ended when they did not throw. */
export type StepsOutcome = "completed" | "renotified" | "duplicate" | "superseded";

/** Thrown inside a job once it has been handed back to the queue, so no later step runs. */
export class JobAbandonedError extends Error {
  override readonly name: string = "JobAbandonedError";
}

/**
 * The validated version of the upload no longer exists (deleted, or expired: a replaced version after a day, every
 * upload after the bucket's retention). No attempt can run it, so the owner is told at once, as for a bad song.
 */
export class UploadGoneError extends Error {
  override readonly name: string = "UploadGoneError";
}

/** Another message holds the job under a live lease: this one waits (invisible) until `until`, then looks again. */
export class JobHeldError extends Error {
  override readonly name: string = "JobHeldError";
  constructor(readonly until: Date) {
    super(`another message holds this job until ${until.toISOString()}`);
  }
}

/** Where the job's claim lives: its result folder in the output bucket. */
export const claimPlace = (deps: WorkerDeps, job: JobMessage): ClaimPlace => ({
  s3: deps.s3,
  bucket: deps.config.outputBucket,
  key: resultKeys(job.jobId, job.key).claim,
});

/** A claim outlives any run that can hold it: the job's deadline plus 5 minutes for the upload and the email. */
const claimLeaseSeconds = (config: WorkerConfig): number => config.jobDeadlineSeconds + 300;

/** Claims the job; "done" when another message did it; throws JobHeldError while another message holds it. */
async function claimOrWait(deps: WorkerDeps, place: ClaimPlace, messageId: string): Promise<"claimed" | "done"> {
  const now = deps.now?.() ?? new Date();
  const claim = await claimJob(place, messageId, now, new Date(now.getTime() + claimLeaseSeconds(deps.config) * 1000));
  if (claim.status === "done") {
    deps.logger.info("this job was done and mailed by another message (a duplicate event); dropping this one");
    return "done";
  }
  if (claim.status === "held") throw new JobHeldError(claim.until);
  if (claim.previous !== undefined && claim.previous.messageId !== messageId) {
    deps.logger.warn("took over the job's claim", { previous: claim.previous });
  }
  return "claimed";
}

/**
 * Claim, read the validated upload, run the engine, write the result, notify. `cancel` fires on abandon
 * (shutdown) or at the job's deadline; the engine (a worker thread in production) is stopped with it.
 */
export async function runJobSteps(
  deps: WorkerDeps,
  job: JobMessage,
  messageId: string,
  cancel: AbortSignal,
): Promise<StepsOutcome> {
  const { config, logger } = deps;
  const keys = resultKeys(job.jobId, job.key);
  const checkpoint = () => {
    if (cancel.aborted) throw cancel.reason instanceof Error ? cancel.reason : new JobAbandonedError("job abandoned");
  };
  const place = claimPlace(deps, job);
  if ((await claimOrWait(deps, place, messageId)) === "done") return "duplicate";
  if (await resultExists(deps.s3, config.outputBucket, keys)) {
    logger.info("result already exists; notifying again");
    const stored = await readStoredReport(deps.s3, config.outputBucket, keys);
    checkpoint();
    await notifyResult(deps, job, keys, stored, true);
    await settleClaim(place, messageId, "done", deps.now?.() ?? new Date());
    return "renotified";
  }
  const upload = await readValidatedUpload(deps, job);
  if (upload === undefined) return "superseded";
  const { bytes } = upload;
  // The result's format: the upload's `format` metadata when given (a bad value is the owner's to fix), else its own.
  const outputFormat = upload.format === undefined ? undefined : parseFormatName(upload.format);
  checkpoint();
  const model = await deps.model();
  checkpoint();
  logger.info("extending", {
    targetSeconds: job.targetSeconds,
    form: job.form,
    model: model.description,
    engine: config.engine,
  });

  // The result goes up as it is encoded (s3-sink.ts): in its own format, and as the lossless WAV download.
  const expected = outputFormat ?? defaultOutputFormat({ format: job.input.format });
  const uploads = resultUploads(deps.s3, config.outputBucket, {
    result: pageKeys(keys, expected, job.input.format).result,
    wav: keys.wav,
    contentType: FORMAT_INFO[expected].mimeType,
  });
  try {
    const output = await deps.runJob(
      {
        bytes,
        name: baseName(job.key),
        ...(outputFormat === undefined ? {} : { outputFormat }),
        targetSeconds: job.targetTimes === undefined ? job.targetSeconds : { times: job.targetTimes },
        form: job.form,
        engine: config.engine,
        limits: config.limits,
        ...(model.dir === undefined ? {} : { modelDir: model.dir, modelLabel: model.description }),
        onProgress: progressLog(deps, checkpoint),
        sink: uploads.sink,
        ...(uploads.wavSink === undefined ? {} : { wavSink: uploads.wavSink }),
      },
      cancel,
    );
    checkpoint();
    await uploads.finish(output);
    const format = reportFormat(output.report);
    // The page's "before" player: a copy of the upload beside the result (the links may read only results/).
    await copyOriginal(deps.s3, job, config.outputBucket, pageKeys(keys, format, job.input.format).original);
    await uploadResult(deps.s3, config.outputBucket, keys, { picture: output.picture, report: output.report });
    checkpoint();
    await notifyResult(deps, job, keys, output.report, false);
    await settleClaim(place, messageId, "done", deps.now?.() ?? new Date());
  } finally {
    await uploads.abort();
  }
  return "completed";
}

/** Logs the engine's progress every 30 s of result; `checkpoint` throwing stops an in-process engine between chunks. */
function progressLog(deps: WorkerDeps, checkpoint: () => void) {
  let lastLogged = 0;
  return (done: number, total: number) => {
    checkpoint();
    if (done - lastLogged >= 30 || done >= total) {
      lastLogged = done;
      deps.logger.info("progress", { doneSeconds: done, totalSeconds: total });
    }
  };
}

/**
 * The upload exactly as validated: If-Match its ETag (and its VersionId when the bucket is versioned). An object
 * replaced or deleted since then yields undefined (its new version has a job of its own); one over the upload
 * limit is refused before its body is read.
 */
async function readValidatedUpload(
  deps: WorkerDeps,
  job: JobMessage,
): Promise<{ bytes: Uint8Array; format?: string } | undefined> {
  let response: GetObjectCommandOutput;
  try {
    response = await deps.s3.send(
      new GetObjectCommand({
        Bucket: job.bucket,
        Key: job.key,
        IfMatch: `"${job.etag}"`,
        ...(job.versionId === undefined ? {} : { VersionId: job.versionId }),
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchVersion") {
      throw new UploadGoneError(
        "the uploaded file is no longer in the upload bucket (deleted, or expired before the job ran); upload it again",
        { cause: error },
      );
    }
    if (isConditionFailed(error) || (error instanceof Error && error.name === "NoSuchKey")) {
      deps.logger.warn("the upload changed or vanished after validation; not running the old job", { error });
      return undefined;
    }
    throw error;
  }
  const size = response.ContentLength ?? 0;
  const { maxUploadBytes } = deps.config.limits;
  if (size > maxUploadBytes || (job.size !== undefined && size !== job.size)) {
    (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
    if (size > maxUploadBytes) {
      throw new HarmonizerInputError(
        "TOO_LARGE",
        `the file is ${size} bytes; uploads of at most ${maxUploadBytes} bytes are accepted`,
      );
    }
    deps.logger.warn("the upload's size differs from the validated one; not running the old job", {
      size,
      validated: job.size,
    });
    return undefined;
  }
  const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
  const format = response.Metadata?.[FORMAT_METADATA];
  return format === undefined ? { bytes } : { bytes, format };
}

async function notifyResult(deps: WorkerDeps, job: JobMessage, keys: ResultKeys, report: unknown, repeated: boolean) {
  const { config } = deps;
  const summary = summaryOf(report);
  const lifetime = await linkLifetime(deps.presignS3, config.resultLinkDays, deps.now?.() ?? new Date());
  if (lifetime.seconds < config.resultLinkDays * 86_400) {
    deps.logger.warn("result links live shorter than asked", {
      days: config.resultLinkDays,
      seconds: lifetime.seconds,
    });
  }
  const name = truncateUtf8(baseName(job.key), MAX_NAME_BYTES);
  const sign = (key: string, fileName: string) =>
    presignDownload(deps.presignS3, config.outputBucket, key, fileName, lifetime);
  const page = await publishResultPage(
    deps,
    config.outputBucket,
    keys,
    pageKeys(keys, reportFormat(report), job.input.format),
    { report: pageReport(report, job.input.seconds), songName: baseName(job.key), downloadName: name },
    lifetime,
  );
  const links: ResultLinks = {
    page: page.page,
    result: page.result,
    wav: await sign(keys.wav, `${name}-extended.wav`),
    picture: await sign(keys.picture, `${name}-extended.png`),
    report: await sign(keys.report, `${name}-report.json`),
  };
  await publishNotification(deps.sns, config.topicArn, resultNotification(job, links, summary, repeated));
}

const StoredReportSchema = z.looseObject({
  engine: z.string(),
  model: z.string().optional(),
  notes: z.array(z.string()).default([]),
  form: z.string().optional(),
  formReason: z.string().optional(),
  output: z.looseObject({ seconds: z.number() }),
});

function summaryOf(report: unknown): ResultSummary {
  const parsed = StoredReportSchema.parse(report);
  return {
    outputSeconds: parsed.output.seconds,
    engine: parsed.engine,
    notes: parsed.notes,
    usedModel: parsed.model !== undefined,
    model: parsed.model,
    form: parsed.form,
    formReason: parsed.formReason,
  };
}

async function readStoredReport(s3: S3Client, bucket: string, keys: ResultKeys): Promise<unknown> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys.report }));
  return JSON.parse((await response.Body?.transformToString()) ?? "{}");
}

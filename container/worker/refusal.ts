import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { HarmonizerInputError, InputErrorCode } from "../../engine/errors.ts";
import type { JobMessage } from "#aws/shared/job-schema.ts";
import { publishNotification } from "#aws/shared/notifications.ts";
import { rejectionReportKey } from "#aws/shared/object-keys.ts";
import type { RejectionReport } from "#aws/shared/rejection-report.ts";
import { settleClaim } from "./claim.ts";
import type { WorkerDeps } from "./deps.ts";
import { inputErrorNotification } from "./job-notifications.ts";
import { claimPlace, type UploadGoneError } from "./job-steps.ts";

/**
 * Input errors about the deployment, not the song: a broken or missing model in models/current/ is the operator's
 * to fix, so such a job fails like any other (retried, then the dead-letter queue and a redrive) instead of being
 * refused to the uploader.
 */
const OPERATOR_CODES: readonly InputErrorCode[] = ["MODEL_NOT_FOUND", "INVALID_MODEL"];

export const isOperatorProblem = (error: HarmonizerInputError): boolean => OPERATOR_CODES.includes(error.code);

/**
 * A song the validator let through that the engine refuses once decoded (silent, 5.1 to MP3, a target under the
 * song's shortest form), or whose upload is gone, reaches its owner as the validator's refusals do: a report at
 * rejections/<key>.json in the output bucket and an email naming the problem, the limit and the report. Retrying
 * cannot change the answer, so the job is over: its claim is settled `done`, and a duplicate message is dropped.
 */
export async function refuseJob(
  deps: WorkerDeps,
  job: JobMessage,
  messageId: string,
  error: HarmonizerInputError | UploadGoneError,
): Promise<void> {
  const { config } = deps;
  const now = deps.now?.() ?? new Date();
  const reportKey = rejectionReportKey(job.key);
  const report: RejectionReport & { objectVersion: string } = {
    version: 1,
    bucket: job.bucket,
    key: job.key,
    code: "code" in error ? error.code : "UPLOAD_GONE",
    reason: error.message,
    limits: config.limits,
    probe: job.input,
    rejectedAt: now.toISOString(),
    refusedBy: "worker",
    jobId: job.jobId,
    objectVersion: job.versionId ?? job.etag,
  };
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: config.outputBucket,
      Key: reportKey,
      Body: JSON.stringify(report, null, 2),
      ContentType: "application/json",
    }),
  );
  const details = `s3://${config.outputBucket}/${reportKey}`;
  await publishNotification(deps.sns, config.topicArn, inputErrorNotification(job, error.message, details));
  await settleClaim(claimPlace(deps, job), messageId, "done", now);
}

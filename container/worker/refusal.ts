import type { HarmonizerInputError, InputErrorCode } from "../../engine/errors.ts";
import type { JobMessage } from "#aws/shared/job-schema.ts";
import { senderOf } from "#aws/shared/rejection-mail.ts";
import { mailWithinAllowance } from "#aws/shared/rejection-notice.ts";
import { type RejectionReport, writeRejectionReport } from "#aws/shared/rejection-report.ts";
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
 * song's shortest form), or whose upload is gone, reaches its owner as the validator's refusals do: a report under
 * rejections/ in the output bucket, which never replaces another (writeRejectionReport: beside one already there it
 * is rejections/<key>.<jobId>.json; this job's own, from an attempt that stopped before settling, is kept), and an
 * email naming the problem, the limit and the report, counted against the uploader's hourly allowance with the
 * validator's (the job message names the uploader). Retrying cannot change the answer, so the job is over: its claim
 * is settled `done`, and a duplicate message is dropped.
 */
export async function refuseJob(
  deps: WorkerDeps,
  job: JobMessage,
  messageId: string,
  error: HarmonizerInputError | UploadGoneError,
): Promise<void> {
  const { config } = deps;
  const now = deps.now?.() ?? new Date();
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
  const place = { s3: deps.s3, bucket: config.outputBucket };
  const { key: reportKey } = await writeRejectionReport(place, report, job.jobId, (r) => r.jobId === job.jobId);
  const notification = inputErrorNotification(job, error.message, `s3://${config.outputBucket}/${reportKey}`);
  const { s3, sns } = deps;
  const mail = await mailWithinAllowance(
    {
      s3,
      sns,
      outputBucket: config.outputBucket,
      topicArn: config.topicArn,
      emailsPerHour: config.rejectionEmailsPerHour,
    },
    { sender: senderOf(job.uploader, job.key), uploadKey: job.key, notification },
    now,
  );
  deps.logger.info("refusal reported", { reportKey, mail });
  await settleClaim(claimPlace(deps, job), messageId, "done", now);
}

import type { JobMessage } from "#aws/shared/job-schema.ts";
import { displayName, type Notification } from "#aws/shared/notifications.ts";
import type { PresignedLink } from "./presign.ts";

export interface ResultLinks {
  /** The result page (players, picture, quality, downloads): the email's first link. */
  readonly page?: PresignedLink;
  /** The result in its own format, when that is not the WAV. */
  readonly result?: PresignedLink;
  readonly wav: PresignedLink;
  readonly picture: PresignedLink;
  readonly report: PresignedLink;
}

/** What the notification says about the result; read from the engine's report when there is one. */
export interface ResultSummary {
  readonly outputSeconds: number;
  readonly engine: string;
  readonly notes: readonly string[];
  /** False when no trained model was available, so the planner's rules alone made the extension. */
  readonly usedModel: boolean;
  /** Which model, e.g. "s3://models/models/current/" or "the shipped conductor (models/conductor)". */
  readonly model?: string | undefined;
  /** The form used and why (reports written before forms existed have neither). */
  readonly form?: string | undefined;
  readonly formReason?: string | undefined;
}

const seconds = (s: number): string => `${(Math.round(s * 10) / 10).toString()} s`;

export function resultNotification(
  job: JobMessage,
  links: ResultLinks,
  summary: ResultSummary,
  repeated: boolean,
): Notification {
  const expiry = links.wav.expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  const lines = [
    `Your song "${displayName(job.key)}" has been extended from ${seconds(job.input.seconds)} to ${seconds(summary.outputSeconds)}.`,
    "",
    ...(links.page === undefined ? [] : [`Listen and download: ${links.page.url}`, ""]),
    ...(links.result === undefined || links.result.url === links.wav.url ? [] : [`Result: ${links.result.url}`]),
    `Download: ${links.wav.url}`,
    `Picture: ${links.picture.url}`,
    `Report: ${links.report.url}`,
    `These links work until ${expiry}.`,
    "",
    `Engine: ${summary.engine}${summary.model === undefined ? "" : `, model: ${summary.model}`}.`,
  ];
  if (summary.form !== undefined)
    lines.push(`Form: ${summary.form}${summary.formReason ? ` (${summary.formReason})` : ""}.`);
  if (!summary.usedModel) lines.push("No trained model was used: the planner's rules alone chose every phrase.");
  for (const note of summary.notes) lines.push(`Note: ${note}`);
  if (repeated) lines.push("", "(This result was made earlier; here are fresh links.)");
  return {
    kind: "result",
    owner: job.owner,
    jobId: job.jobId,
    subject: `Extended: ${displayName(job.key)}`,
    text: lines.join("\n"),
  };
}

/**
 * The song itself cannot be extended (the engine's HarmonizerInputError message names the limit); `details`, the
 * rejection report's s3:// location, as the validator's rejection emails give it.
 */
export function inputErrorNotification(job: JobMessage, reason: string, details?: string): Notification {
  return {
    kind: "rejection",
    owner: job.owner,
    jobId: job.jobId,
    subject: `Not extended: ${displayName(job.key)}`,
    text: [
      `Your upload "${displayName(job.key)}" was not extended.`,
      `Reason: ${displayName(reason)}.`,
      ...(details === undefined ? [] : ["", `Details: ${displayName(details)}`]),
    ].join("\n"),
  };
}

/** Given up after the last attempt; the message goes to the dead-letter queue. */
export function failureNotification(
  job: JobMessage | undefined,
  attempts: number,
  reason: string,
  messageId: string,
): Notification {
  const what =
    job === undefined ? `Job message ${messageId}` : `Extending "${displayName(job.key)}" (job ${job.jobId})`;
  return {
    kind: "failure",
    owner: job?.owner,
    jobId: job?.jobId,
    subject: job === undefined ? "Job failed: unreadable job message" : `Failed: ${displayName(job.key)}`,
    text: [
      attempts === 0
        ? `${what} cannot be read as a job and was moved to the dead-letter queue at once.`
        : `${what} failed ${attempts} times and was moved to the dead-letter queue.`,
      `Last error: ${reason}`,
      "Operators: inspect the dead-letter queue and redrive the message once the cause is fixed (the stack output RedriveFailedJobs is the command).",
    ].join("\n"),
  };
}

/** Every attempt ended without a word (the worker was killed, e.g. for memory, or its instance was lost). */
export function silentFailureNotification(job: JobMessage, attempts: number, messageId: string): Notification {
  return {
    kind: "failure",
    owner: job.owner,
    jobId: job.jobId,
    subject: `Failed: ${displayName(job.key)}`,
    text: [
      `Extending "${displayName(job.key)}" (job ${job.jobId}) was tried ${attempts} times, and each attempt stopped ` +
        "without finishing or reporting an error (the worker was stopped, for example for running out of memory, " +
        "or its instance was lost). It was moved to the dead-letter queue.",
      `Job message: ${messageId}.`,
      "Operators: look at the worker's logs for this job, then redrive the message (the stack output RedriveFailedJobs is the command): it will run again.",
    ].join("\n"),
  };
}

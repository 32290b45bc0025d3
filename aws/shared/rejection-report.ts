import type { InputErrorCode } from "../../engine/errors.ts";
import type { InputLimits } from "../../engine/limits.ts";
import { rejectionReportKey } from "./object-keys.ts";
import { type MailPlace, putIfUnchanged, readJson } from "./rejection-mail.ts";

/** Why an upload was not extended: an input error of the engine's, or UPLOAD_GONE (the validated upload was gone when its job ran). */
export type RejectionCode = InputErrorCode | "UPLOAD_GONE";

/**
 * The JSON at `rejections/<key>.json` in the output bucket (rejectionReportKey; beside another upload's report of the
 * same name, `rejections/<key>.<id>.json`: writeRejectionReport), one for every upload that is not extended: the
 * validator writes it for what it refuses from the file's header, the worker for what the engine refuses once the
 * song is decoded (silent, 5.1 to MP3, a target under the song's shortest form).
 */
export interface RejectionReport {
  readonly version: 1;
  readonly bucket: string;
  readonly key: string;
  readonly code: RejectionCode;
  /** Names the problem and the limit, e.g. "the song is 5 s long; at least 20 s is needed". */
  readonly reason: string;
  readonly limits: InputLimits;
  /** What the validator read of the file (format, duration, sample rate, channels), when it got that far. */
  readonly probe?: unknown;
  readonly rejectedAt: string;
  /** Absent in the validator's reports; "worker" when the job's engine refused the song the validator let through. */
  readonly refusedBy?: "worker";
  /** The job the worker refused (worker reports only). */
  readonly jobId?: string;
}

/** Where a report was put, and whether it was written now (false: this upload's own report was there already). */
export interface WrittenReport {
  readonly key: string;
  readonly written: boolean;
}

/**
 * Writes a rejection report where no report is: rejections/<key>.json, else (another upload of the same name's
 * report holds it) rejections/<key>.<id>.json, `id` naming this upload (the worker's job id; the validator's
 * jobIdFor of the refused version). Each put is conditional (If-None-Match), so no report is ever replaced; a report
 * at either key that `isOwn` recognises (a duplicate event or message, an attempt that stopped before it was done)
 * is kept as it is.
 */
export async function writeRejectionReport(
  place: MailPlace,
  report: RejectionReport & { readonly objectVersion: string },
  id: string,
  isOwn: (existing: RejectionReport & { readonly objectVersion?: string }) => boolean,
): Promise<WrittenReport> {
  const keys = [rejectionReportKey(report.key), rejectionReportKey(report.key, id)];
  for (const key of keys) {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await putIfUnchanged(place, key, report)) return { key, written: true };
      const existing = await readJson<RejectionReport>(place, key);
      if (existing === undefined) continue; // a concurrent put still in flight (409): ask again
      if (isOwn(existing.value)) return { key, written: false };
      break;
    }
  }
  throw new Error(`other reports hold both ${keys.join(" and ")}; the rejection of ${report.key} is not recorded`);
}

import type { InputErrorCode } from "../../engine/errors.ts";
import type { InputLimits } from "../../engine/limits.ts";

/** Why an upload was not extended: an input error of the engine's, or UPLOAD_GONE (the validated upload was gone when its job ran). */
export type RejectionCode = InputErrorCode | "UPLOAD_GONE";

/**
 * The JSON at `rejections/<key>.json` in the output bucket (rejectionReportKey), one for every upload that is not
 * extended: the validator writes it for what it refuses from the file's header, the worker for what the engine
 * refuses once the song is decoded (silent, 5.1 to MP3, a target under the song's shortest form).
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

import { createHash } from "node:crypto";
import { z } from "zod";
import { AUDIO_FORMATS, DEFAULT_FORM, FORM_SETTINGS } from "../../contract/pipeline.ts";
import { InvalidJobMessageError } from "./errors.ts";

/**
 * The message the validator sends and the worker reads. `version` lets a future worker tell old
 * messages apart; bump it on any incompatible change.
 */
export const JobMessageSchema = z.object({
  version: z.literal(1),
  /** Deterministic (see jobIdFor): duplicate S3 events make the same job. */
  jobId: z.string().regex(/^[0-9a-f]{32}$/),
  bucket: z.string().min(3),
  key: z.string().min(1),
  etag: z.string().min(1),
  /** The validated version (versioned uploads bucket) and its size: the worker reads exactly that object or none. */
  versionId: z.string().min(1).optional(),
  size: z.number().int().nonnegative().optional(),
  /** The result's length in seconds, as the validator worked it out from the upload's stated duration. */
  targetSeconds: z.number().positive().finite(),
  /** When the upload asked for a multiple of its length (x2): the worker applies it to the decoded length. */
  targetTimes: z.number().positive().finite().optional(),
  /** From the upload's `form` metadata. Messages queued before the field existed mean auto. */
  form: z.enum(FORM_SETTINGS).default(DEFAULT_FORM),
  input: z.object({
    format: z.enum(AUDIO_FORMATS),
    seconds: z.number().positive().finite(),
    sampleRate: z.number().int().positive(),
    channels: z.number().int().positive(),
  }),
  /** Address to tell about this job, from the upload's `notify` metadata. */
  owner: z.email().optional(),
  /**
   * Who uploaded it (the S3 event's principal id): the sender the worker's refusal emails count against, as the
   * validator's do (aws/shared/rejection-mail.ts senderOf). Absent when the event named none, and in older messages.
   */
  uploader: z.string().min(1).optional(),
  submittedAt: z.iso.datetime(),
});

export type JobMessage = z.infer<typeof JobMessageSchema>;

/** SQS message attribute carrying the job id (standard queues have no deduplication id). */
export const JOB_ID_ATTRIBUTE = "jobId";

/** Same object version -> same id. `version` is the S3 versionId when the bucket is versioned, else the ETag. */
export function jobIdFor(bucket: string, key: string, version: string): string {
  return createHash("sha256").update(`${bucket}\n${key}\n${version}`).digest("hex").slice(0, 32);
}

/** Parses an SQS body into a job; InvalidJobMessageError (naming the problem) otherwise. */
export function parseJobMessage(body: string | undefined): JobMessage {
  let json: unknown;
  try {
    json = JSON.parse(body ?? "");
  } catch (cause) {
    throw new InvalidJobMessageError("job message is not JSON", { cause });
  }
  const parsed = JobMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidJobMessageError(`job message does not match schema v1: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * The pipeline's contract, written once: what the stack (lib/), the validator (functions/) and the worker
 * (container/) must agree on. Object prefixes, the upload metadata keys, the audio formats, the limits (and
 * the environment variables that carry them to the Lambda and to the task definition) and the target rule.
 * The domain rules themselves (limits, target rule, forms, formats) belong to the engine; this module
 * names them for the adapters and adds the wire names. No AWS imports.
 */
import type { AudioFormat } from "../engine/audio/format.ts";
import { DEFAULT_FORM, FORM_SETTINGS, type FormSetting } from "../engine/extend/types.ts";
import { checkTargetSeconds, decodeCapSeconds, DEFAULT_LIMITS, type InputLimits } from "../engine/limits.ts";
import { checkStreamShape, decodedSampleBudget, overSampleBudget, STREAM_LIMITS } from "../engine/limits.ts";

import { LENGTH_FORMS, lengthSeconds, parseLength, readLength, type TargetLength } from "../engine/target-length.ts";

export { checkTargetSeconds, decodeCapSeconds, DEFAULT_FORM, DEFAULT_LIMITS, FORM_SETTINGS };
export { LENGTH_FORMS, lengthSeconds, parseLength, readLength, type TargetLength };
export { checkStreamShape, decodedSampleBudget, overSampleBudget, STREAM_LIMITS };
export type { AudioFormat, FormSetting, InputLimits };

/** Output-bucket prefixes. The validator ignores uploads under them (with a notice), so the pipeline never reacts to its own writes. */
export const RESULTS_PREFIX = "results/";
export const REJECTIONS_PREFIX = "rejections/";
export const RESERVED_PREFIXES: readonly string[] = [RESULTS_PREFIX, REJECTIONS_PREFIX];

/** In each job's result folder: the claim of the message that runs the job (one job, one run). */
export const CLAIM_FILE = "claim.json";

/** S3's own limit on a key's UTF-8 length. */
export const MAX_S3_KEY_BYTES = 1024;

/**
 * The upload's object metadata the pipeline reads (sent as x-amz-meta-<key>; S3 returns the keys lower-case).
 * `form` is auto, song or continue (FORM_SETTINGS); absent means auto. `notify` is an email address.
 */
export const TARGET_SECONDS_METADATA = "target-seconds";
export const NOTIFY_METADATA = "notify";
export const FORM_METADATA = "form";
/** The result's format (wav, wav24, wav32f, flac, mp3, ogg, opus); absent means the upload's own format. */
export const FORMAT_METADATA = "format";

/** Audio formats the pipeline accepts: exactly what the engine decodes. */
export const AUDIO_FORMATS = ["wav", "mp3", "ogg-vorbis", "ogg-opus", "flac"] as const satisfies readonly AudioFormat[];
/** Compile-time check that the list names every format the engine decodes (and, above, nothing else). */
type MissingFormats = Exclude<AudioFormat, (typeof AUDIO_FORMATS)[number]>;
export const AUDIO_FORMATS_COMPLETE: [MissingFormats] extends [never] ? true : MissingFormats = true;

/** Environment variables that carry the limits to the validator Lambda and to the worker's task definition. */
export const LIMIT_ENV = {
  maxUploadBytes: "MAX_UPLOAD_BYTES",
  maxInputSeconds: "MAX_INPUT_SECONDS",
  maxTargetSeconds: "MAX_TARGET_SECONDS",
  minInputSeconds: "MIN_INPUT_SECONDS",
} as const satisfies Record<keyof InputLimits, string>;

/** The limits as environment variables (for lib/). */
export function limitsEnvironment(limits: InputLimits): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(LIMIT_ENV) as (keyof InputLimits)[]) env[LIMIT_ENV[name]] = String(limits[name]);
  return env;
}

/**
 * The worker rewrites this file every 30 s from a timer (container/worker/liveness.ts); the task definition's
 * health check (lib/) fails when it is older than LIVENESS_MAX_AGE_MS, so a hung worker is replaced.
 */
export const LIVENESS_FILE = "/tmp/harmonizer-alive";
export const LIVENESS_MAX_AGE_MS = 120_000;
export const LIVENESS_CHECK_COMMAND = `node -e "const fs=require('fs');process.exit(Date.now()-fs.statSync('${LIVENESS_FILE}').mtimeMs<${LIVENESS_MAX_AGE_MS}?0:1)"`;

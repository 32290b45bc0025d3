/**
 * Where things live in the output bucket. The validator ignores keys under these prefixes so the
 * pipeline never reacts to its own writes, even if input and output share a bucket.
 */
import { REJECTIONS_PREFIX, RESERVED_PREFIXES, RESULTS_PREFIX } from "../../contract/pipeline.ts";

export const isReservedKey = (key: string): boolean => RESERVED_PREFIXES.some((prefix) => key.startsWith(prefix));

export const rejectionReportKey = (inputKey: string): string => `${REJECTIONS_PREFIX}${inputKey}.json`;

/** "music/my song é.mp3" -> "my song é" */
export function baseName(key: string): string {
  const file = key.slice(key.lastIndexOf("/") + 1);
  const dot = file.lastIndexOf(".");
  const stem = dot > 0 ? file.slice(0, dot) : file;
  return stem === "" ? "song" : stem;
}

export interface ResultKeys {
  readonly wav: string;
  readonly picture: string;
  /** Written last: its presence means the result is complete. */
  readonly report: string;
}

export function resultKeys(jobId: string, inputKey: string): ResultKeys {
  const folder = `${RESULTS_PREFIX}${jobId}/`;
  return {
    wav: `${folder}${baseName(inputKey)}-extended.wav`,
    picture: `${folder}picture.png`,
    report: `${folder}report.json`,
  };
}

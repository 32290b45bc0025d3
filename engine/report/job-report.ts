import type { LossyEncoding } from "../audio/encode/choose.ts";
import type { OutputFormat } from "../audio/encode/index.ts";
import type { EngineName, FormName } from "../extend/types.ts";
import type { QualityReport } from "../quality/report.ts";

/** What a job reports of itself: report.json beside every result, and what the result page shows. */
export interface ExtensionReport {
  readonly engine: EngineName;
  readonly backend?: string;
  readonly model?: string;
  readonly notes: readonly string[];
  /** The form used, and why (e.g. "auto: the input ends with a 6.2 s fade-out"). */
  readonly form: FormName;
  readonly formReason: string;
  /** Up to here (seconds) the result is the input, sample for sample: its intro (song) or all of it (continue). */
  readonly introSeconds: number;
  readonly input: { format: string; seconds: number; sampleRate: number; channels: number };
  readonly output: { seconds: number; sampleRate: number; channels: number };
  readonly chunks: number;
  readonly seams: readonly number[];
  /** Seconds between the closest two plays of the same 30 s stretch, when the planner had to repeat one. */
  readonly shortestRepeatSeconds?: number;
  /**
   * Milliseconds per step. The quality analysis runs in its own thread (the original's part during the extension):
   * `analyse` is from the result to its report, beside `picture` and `encode`, which the main thread spends meanwhile.
   */
  readonly timingsMs: {
    decode: number;
    model: number;
    extend: number;
    analyse: number;
    picture: number;
    encode: number;
  };
  /** Absent when the job was asked not to measure. */
  readonly quality?: QualityReport;
  readonly outputFormat: OutputFormat;
  /**
   * Lossy results only: the encoder's setting ("quality 8.59", "VBR -V 2.34", "CBR 320 kbit/s"), why, and the gain
   * (dB, 0 or below) that kept the encode's peak at the song's own or -1 dBFS (see withLossyHeadroom).
   */
  readonly encoding?: LossyEncoding;
}

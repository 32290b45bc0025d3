import type { PcmAudio } from "../audio/pcm.ts";
import type { Predictor } from "../model/port.ts";

export type { Predictor };

/** Which way the extension is made. */
export type EngineName = "neural" | "remix" | "hybrid";

export const ENGINES: readonly EngineName[] = ["hybrid", "remix", "neural"];

/** Chosen by measurement (README, "Which engine"): the engine used when none is named. */
export const DEFAULT_ENGINE: EngineName = "remix";


export interface ExtendOptions {
  /** Exact duration of the result, seconds. Must be >= the input's duration. */
  readonly targetSeconds: number;
  readonly engine: EngineName;
  /** Needed by "neural" and "hybrid"; "hybrid" without one falls back to "remix" and says so in notes. */
  readonly predictor?: Predictor;
  /** Length of the closing fade-out, seconds. */
  readonly fadeOutSeconds: number;
  /** Crossfade at each seam, seconds; each engine has its own default (neural 0.5 s, remix 0.02 s). */
  readonly crossfadeSeconds?: number;
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
}

export interface ExtendResult {
  /** Same sample rate and channel count as the input; its first part is the input, sample for sample. */
  readonly audio: PcmAudio;
  readonly engine: EngineName;
  /** Times (seconds, in the result) where generated or re-arranged material is joined. */
  readonly seams: readonly number[];
  /** Number of 10 s predictions (neural/hybrid) or remix segments appended. */
  readonly chunks: number;
  /** Human-readable remarks, e.g. "no trained model: used the remix engine". */
  readonly notes: readonly string[];
}

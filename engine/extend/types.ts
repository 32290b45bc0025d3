import type { ClosingFade } from "../audio/fade.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import type { FrameFeatures } from "../analysis/features.ts";
import type { FormName, FormSetting } from "../analysis/form.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import type { AudioStream } from "../audio/stream.ts";
import type { SeamSource } from "../quality/report.ts";
import type { Conductor, Predictor } from "../model/port.ts";

export type { Conductor, Predictor };

/**
 * Which way the extension is made. "conductor": the conductor model (the encoder–decoder over one-second feature
 * frames) chooses each phrase among those the rules admit; "remix": the rules alone (the model-free planner);
 * "hybrid": the raw-audio encoder–decoder chooses instead; "neural": the raw-audio encoder–decoder's own chain.
 */
export type EngineName = "conductor" | "remix" | "hybrid" | "neural";

export const ENGINES: readonly EngineName[] = ["conductor", "remix", "hybrid", "neural"];

export { DEFAULT_FORM, FORM_SETTINGS, type FormName, type FormSetting } from "../analysis/form.ts";

/** The engine used when none is named; without a conductor model it runs as "remix" and says so. */
export const DEFAULT_ENGINE: EngineName = "conductor";

export interface ExtendOptions {
  /** Exact duration of the result, seconds. Must be >= the input's duration. */
  readonly targetSeconds: number;
  readonly engine: EngineName;
  /** Needed by "neural" and "hybrid"; "hybrid" without one falls back to "remix" and says so in notes. */
  readonly predictor?: Predictor;
  /** Used by "conductor"; without one it falls back to "remix" and says so in notes. */
  readonly conductor?: Conductor;
  /** Length of the closing fade-out, seconds. */
  readonly fadeOutSeconds: number;
  /** Crossfade at each seam, seconds; each engine has its own default (neural 0.5 s, remix 0.02 s). */
  readonly crossfadeSeconds?: number;
  /** Song form or continuation; "auto" (the default) decides from the input. The neural engine always continues; when its
   * first prediction fails its checks, the planner makes the whole extension in this form. */
  readonly form?: FormSetting;
  /** Continue form, remix engines: seconds of the input's recent bars re-ordered first (recent-bars.ts); unset: none. */
  readonly recentBarsSeconds?: number;
  /** The input's beats, when the caller analysed it already (analyseSignal): not analysed again. */
  readonly beats?: BeatAnalysis;
  /** The analysis frames those beats were found on (analyseSignal): the walk hears its runs on them. */
  readonly frames?: FrameFeatures;
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
}

export interface ExtendResult {
  /**
   * Same sample rate and channel count as the input; its first part is the input, sample for sample. Rendered as a
   * whole on first read: long results are read through `stream` instead.
   */
  readonly audio: PcmAudio;
  /** The result window by window (the remix engines render each window from the plan as it is read). */
  readonly stream: AudioStream;
  readonly engine: EngineName;
  /** The form actually used, and why (e.g. "auto: the input ends with a 6.2 s fade-out"). */
  readonly form: FormName;
  readonly formReason: string;
  /**
   * Where the kept opening ends in the result, seconds: in song form the input's intro, in continue form the
   * whole input. Up to here the result is the input, sample for sample; variety is measured after it.
   */
  readonly introSeconds: number;
  /** Times (seconds, in the result) where generated or re-arranged material is joined. */
  readonly seams: readonly number[];
  /** Where each seam joins the input, in seams' order; absent when the material is generated (neural). */
  readonly seamSources?: readonly SeamSource[];
  /** Number of 10 s predictions (neural/hybrid) or remix segments appended. */
  readonly chunks: number;
  /** Human-readable remarks, e.g. "no trained model: used the remix engine". */
  readonly notes: readonly string[];
  /**
   * Seconds between the closest two plays of the same 30 s stretch in the plan (engine/variety.ts's MAX_REPEAT_SECONDS),
   * when the planner had to repeat one; absent otherwise and for generated material.
   */
  readonly shortestRepeatSeconds?: number;
  /**
   * The closing fade-out (where it starts, its curve; it runs to the end); absent when the song's own ending closes
   * the result. The quality report reads a join's loudness change inside it with the fade's gain divided out.
   */
  readonly closingFade?: ClosingFade;
}

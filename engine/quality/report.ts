/**
 * What `measureExtension` reports. Every metric is computed from the signal alone (no pretrained network).
 * "Extension" means the result after introSeconds (by default the original's length: the result may keep only the
 * input's intro before re-sequencing it); seams are the join points the engine reported. `null` means the metric
 * has nothing to measure (no seams, or no extension). The form metrics (the last group) cover the whole result.
 * Seam and form metrics always read the result's own samples. Where the extension is a sample-exact copy of the
 * input, its frame features, beats and K-weighted power are the input's, read at the copied place (the "mapped"
 * path of measure.ts; tests/engine/quality/mapped-path.test.ts states how close it stays to analysing every sample).
 */
/** Where a seam joins the input: the input's position the result leaves there, and the one it enters, seconds. */
export interface SeamSource {
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

/** One seam as the report lists it, with the figures behind the seam metrics. */
export interface SeamReading {
  /** Where the seam is in the result, seconds. */
  readonly atSeconds: number;
  /** The input's positions on either side (see SeamSource); null when the seam's material is not the input's. */
  readonly fromSeconds: number | null;
  readonly toSeconds: number | null;
  /** Largest sample step within ±2 ms of the seam (full scale 1), and its ratio to the median step around it. */
  readonly step: number;
  readonly stepRatio: number;
  /** The input's own largest step within ±2 ms of fromSeconds and of toSeconds, the larger; null when unknown. */
  readonly ownStep: number | null;
  /** Whether the seam clicks (see QualityReport.clicksAtSeams). */
  readonly click: boolean;
  /** Spectral flux z-score at the seam (see seamFluxZ); null when the song has too few beats to compare. */
  readonly fluxZ: number | null;
  /** Short-term loudness after minus before, LU (signed; see seamLoudnessChangeLu); null within 3 s of an end. */
  readonly loudnessChangeLu: number | null;
  /** Beat phase shift, fraction of a beat (see beatPhaseErrorAtSeams); null within 4 s of an end. */
  readonly beatPhaseShift: number | null;
  /** The targets this seam misses on its own: "click", "flux" (z > 1.5), "loudness" (|change| > 1 LU). */
  readonly missed: readonly SeamMiss[];
}

export type SeamMiss = "click" | "flux" | "loudness";

export interface QualityReport {
  /** Seconds of audio added after the original. */
  readonly extensionSeconds: number;
  /** Number of seams reported by the engine. */
  readonly seamCount: number;
  /** Every seam measured (those inside the measured part), in order, with its own figures. */
  readonly seamList: readonly SeamReading[];
  /**
   * Clicks at seams, count; lower is better (target 0). A seam clicks when the largest sample-to-sample jump
   * within ±2 ms of it exceeds CLICK_RATIO_THRESHOLD (8) times the median absolute first difference of the
   * 20 ms on either side (a hard cut with a step does, a crossfade at a zero crossing does not) and, where the
   * input's positions on either side are known, CLICK_OWN_STEP_FACTOR (2) times the input's own largest jump
   * within ±2 ms of them (a drum hit right after a cut is as steep in the song itself).
   */
  readonly clicksAtSeams: number;
  /**
   * Spectral flux at the seams as a z-score against the flux at the original's beats (where a seam would fall),
   * median over seams; lower is better (target <= 1.5). 0 means "as smooth as an ordinary beat of the song".
   */
  readonly seamFluxZ: number | null;
  /**
   * Short-term loudness (EBU R128, 3 s windows) just after minus just before each seam, median of the absolute
   * change, LU; lower is better (target <= 1).
   */
  readonly seamLoudnessChangeLu: number | null;
  /** Integrated loudness of the extension minus the original's, LU; closer to 0 is better. */
  readonly integratedLoudnessDifferenceLu: number | null;
  /**
   * Tempo of the extension against the original's, absolute % difference; lower is better (target <= 2). Mapped:
   * the mean spacing of the input's beats where the copies place them in the extension (across seams too) against
   * the input's own mean spacing, so playing the input's faster or slower sections, or joins that add or drop part
   * of a beat, read as a difference; where too little is copied sample for sample (a level ridden across the joins),
   * the input's beats where the engine says it placed them (seamSources); otherwise the beat tracker's reading of the
   * extension.
   */
  readonly tempoDifferencePercent: number | null;
  /**
   * How far the beat grid shifts at a seam, as a fraction of a beat (0 to 0.5), median over seams;
   * lower is better. Beat phase is the comb-filter phase of the onset envelope in the 4 s before and after,
   * leaving out the 2 frames on either side of the seam (a join's own transient would otherwise set both phases).
   */
  readonly beatPhaseErrorAtSeams: number | null;
  /**
   * Fréchet distance between diagonal Gaussians fitted to MFCC 1–12 frames of the extension and of the original,
   * squared MFCC units; lower is better (0: same timbre statistics).
   */
  readonly timbreDistance: number | null;
  /** Cosine similarity of the mean chroma of the extension and of the original, 0..1; higher is better. */
  readonly harmonySimilarity: number | null;
  /**
   * Stuck-loop detector: the shortest period (seconds) at which a section of the extension is immediately
   * followed by a near-identical copy of itself (self-similarity of one-beat chroma+MFCC+level blocks along
   * diagonals); 0 when nothing repeats back to back. Periods under 20 s are audible loops: 0 or >= 20 is good.
   * Repeats inside one sample-exact copy of the input are not counted: a song that plays a phrase twice in a row, or
   * holds a steady decay, hands that to any copy of it; the loops counted are the ones the joins make.
   */
  readonly shortestLoopSeconds: number;
  /** The same detector on the original, for reference: a song that loops itself is not the engine's fault. */
  readonly originalShortestLoopSeconds: number;
  /**
   * Fraction (0..1) of the extension's blocks that have a near-identical block in the original. Informational:
   * high by design for remix and loop, low for generated audio.
   */
  readonly verbatimFraction: number | null;
  /** Tempo measured on the original, BPM. */
  readonly originalTempoBpm: number;
  /** Tempo measured on the extension, BPM. */
  readonly extensionTempoBpm: number | null;

  // Form and variety: is the song extended, or replayed? From sample-exact copies (engine/quality/form.ts).
  /**
   * Longest stretch of the result after introSeconds that is one contiguous sample-exact copy of the input,
   * seconds (a copy that starts before introSeconds counts from there); lower is better (target <= 45, more for results adding less than the song: engine/variety.ts).
   */
  readonly longestVerbatimRunSeconds: number;
  /**
   * Longest stretch of the result that occurs sample-exactly, in the same order, at two result positions at least
   * 1 s apart (the copies may overlap), seconds; lower is better (target < 30).
   */
  readonly longestRepeatedStretchSeconds: number;
  /** The same on the input, seconds, for reference: a song built from sample-exact loops repeats itself already. */
  readonly originalLongestRepeatedStretchSeconds: number;
  /**
   * How many times the input's opening (up to 8 s from its first sound; a third of its sounding length when that
   * is shorter) appears in the result, at least half of it as one sample-exact copy (so a fade-in still counts),
   * count; target 1. 2 or more is a da capo extension replaying the song from the top.
   */
  readonly introReplays: number;
  /**
   * Whether the result ends with the input's own ending: at least 3 of the input's last 4 sounding seconds (a
   * third of its sounding length when shorter) appear as one sample-exact copy, placed so that the input's last
   * sound falls within 1.5 s of the result's last sound. Target true when the input has an ending of its own.
   */
  readonly endsWithInputEnding: boolean;
  /**
   * Longest silence strictly between the result's first and last sound, seconds (40 ms blocks; silent below the
   * input's threshold: its median block 40 dB down, kept within -70..-50 dBFS); lower is better (target <= the
   * input's own + 0.5 s).
   */
  readonly longestInternalSilenceSeconds: number;
  /** The same on the input, seconds. */
  readonly originalLongestInternalSilenceSeconds: number;
  /**
   * Share of the input's sounding material (its 40 ms blocks above the silence threshold) heard in the result in
   * sample-exact copies, percent; higher is better (target >= 98 when the result is between the input's length and
   * twice it; reported otherwise). null when the input has no sound. See coverage.ts.
   */
  readonly coveragePercent: number | null;
  /** Length of the input and of the result, seconds (the variety targets scale with what was added). */
  readonly originalSeconds: number;
  readonly resultSeconds: number;
}

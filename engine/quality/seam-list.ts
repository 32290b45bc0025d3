import type { PcmAudio } from "../audio/pcm.ts";
import { clickRatio, isClick, largestStep } from "./clicks.ts";
import type { SeamMiss, SeamReading, SeamSource } from "./report.ts";

/** Per-seam limits of the seam targets (the report's medians are judged against the same figures). */
export const SEAM_FLUX_Z_LIMIT = 1.5;
export const SEAM_LOUDNESS_LIMIT_LU = 1;

/** One seam's place: where it is in the result (samples) and where it joins the input, when known. */
export interface SeamPlace {
  readonly at: number;
  readonly source?: SeamSource;
}

/** The per-seam figures measureSeams computes, in seam order (null: not measurable there). */
export interface SeamFigures {
  readonly fluxZ: readonly (number | null)[];
  readonly loudnessChangeLu: readonly number[];
  readonly beatPhaseShift: readonly (number | null)[];
}

/**
 * The input's own largest step at a seam's source positions: around the place the result leaves (what the song would
 * have played on) and around the place it enters. null when the positions are unknown or outside the input.
 */
function ownStep(original: PcmAudio, source: SeamSource | undefined): number | null {
  if (source === undefined) return null;
  const rate = original.sampleRate;
  const length = original.channels[0]?.length ?? 0;
  const places = [source.fromSeconds, source.toSeconds].map((s) => Math.round(s * rate));
  if (places.some((p) => p < 0 || p > length)) return null;
  return Math.max(...places.map((p) => largestStep(original.channels, rate, p)));
}

/** Every seam with its figures and the per-seam targets it misses. */
export function seamReadings(
  result: PcmAudio,
  original: PcmAudio,
  places: readonly SeamPlace[],
  figures: SeamFigures,
): SeamReading[] {
  const rate = result.sampleRate;
  return places.map((place, i) => {
    const step = largestStep(result.channels, rate, place.at);
    const stepRatio = clickRatio(result.channels, rate, place.at);
    const own = ownStep(original, place.source);
    const click = isClick(stepRatio, step, own);
    const fluxZ = figures.fluxZ[i] ?? null;
    const change = figures.loudnessChangeLu[i];
    const loudnessChangeLu = change === undefined || !Number.isFinite(change) ? null : change;
    const missed: SeamMiss[] = [];
    if (click) missed.push("click");
    if (fluxZ !== null && fluxZ > SEAM_FLUX_Z_LIMIT) missed.push("flux");
    if (loudnessChangeLu !== null && Math.abs(loudnessChangeLu) > SEAM_LOUDNESS_LIMIT_LU) missed.push("loudness");
    return {
      atSeconds: place.at / rate,
      fromSeconds: place.source?.fromSeconds ?? null,
      toSeconds: place.source?.toSeconds ?? null,
      step,
      // JSON has no Infinity: a step out of digital silence reads as 1e9.
      stepRatio: Math.min(stepRatio, 1e9),
      ownStep: own,
      click,
      fluxZ,
      loudnessChangeLu,
      beatPhaseShift: figures.beatPhaseShift[i] ?? null,
      missed,
    };
  });
}

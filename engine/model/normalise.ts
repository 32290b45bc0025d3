/**
 * The one loudness normalisation of the model, used by training, evaluation and inference alike:
 * a context window is scaled to a target RMS, the same gain is applied to its targets, and predictions
 * are scaled back by the inverse gain.
 */
import { rms } from "../audio/levels.ts";

export interface NormalisationSettings {
  /** RMS level the context is scaled to, dBFS. */
  readonly targetRmsDbfs: number;
  /** Upper bound of the gain, dB, so near-silence is not blown up into noise. */
  readonly maxGainDb: number;
}

/** A model's normalisation: the settings, or "none" (gain 1: the model reads and writes raw samples). */
export type Normalisation = NormalisationSettings | "none";

export const DEFAULT_NORMALISATION: NormalisationSettings = { targetRmsDbfs: -20, maxGainDb: 40 };

export const dbToGain = (db: number): number => 10 ** (db / 20);

/** Linear gain that brings `context` to the target RMS (capped at maxGainDb; 1 for digital silence or "none"). */
export function normalisationGain(context: Float32Array, settings: Normalisation = DEFAULT_NORMALISATION): number {
  if (settings === "none") return 1;
  const level = rms(context);
  if (level === 0) return 1;
  return Math.min(dbToGain(settings.targetRmsDbfs) / level, dbToGain(settings.maxGainDb));
}

/** A new array: samples * gain. */
export function applyGain(samples: Float32Array, gain: number): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * gain;
  return out;
}

/** Scales context and target by the context's gain; returns the gain so predictions can be undone with 1 / gain. */
export function normaliseWindow(
  context: Float32Array,
  target: Float32Array | undefined,
  settings: NormalisationSettings = DEFAULT_NORMALISATION,
): { context: Float32Array; target: Float32Array | undefined; gain: number } {
  const gain = normalisationGain(context, settings);
  return { context: applyGain(context, gain), target: target && applyGain(target, gain), gain };
}

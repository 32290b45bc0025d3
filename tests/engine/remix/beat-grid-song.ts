import type { BeatAnalysis } from "../../../engine/analysis/beats.ts";
import type { SongForm } from "../../../engine/analysis/form.ts";

/** A 120-beat song of one-second beats (10 samples a beat): an 8-beat intro, 4-beat phrases, an 8-beat ending. */
export const rate = 10;
export const beats = Array.from({ length: 120 }, (_, b) => b * rate);
export const analysis = {
  sampleRate: rate,
  length: 120 * rate,
  beats,
  beatSamples: rate,
  soundEnd: 120 * rate,
} as unknown as BeatAnalysis;
export const form = {
  bars: Array.from({ length: 30 }, (_, k) => 4 * k),
  phraseStarts: Array.from({ length: 30 }, (_, k) => 4 * k),
  introEndBeat: 8,
  endingStartBeat: 112,
} as unknown as SongForm;

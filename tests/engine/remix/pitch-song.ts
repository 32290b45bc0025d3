import type { BeatAnalysis } from "../../../engine/analysis/beats.ts";
import { CHROMA_BINS, type FrameFeatures, MFCC_COEFFICIENTS } from "../../../engine/analysis/features.ts";

/**
 * The loop tests' songs: 100 analysis frames a second (one frame a sample), each sample's chroma one pitch class
 * (`pitchAt`), every other feature flat. `samples` are the input's samples played, in order (the input itself by
 * default): the frames of an output are those of the samples it plays.
 */
export function pitchFrames(pitchAt: (sample: number) => number, samples: readonly number[]): FrameFeatures {
  const count = samples.length;
  return {
    sampleRate: 100,
    frameSize: 1,
    hop: 1,
    frameCount: count,
    chroma: Float32Array.from({ length: count * CHROMA_BINS }, (_, i) =>
      pitchAt(samples[Math.floor(i / CHROMA_BINS)]!) === i % CHROMA_BINS ? 1 : 0,
    ),
    mfcc: new Float32Array(count * MFCC_COEFFICIENTS),
    levelDb: new Float32Array(count).fill(-20),
    flux: new Float32Array(count),
  };
}

/** The samples 0 .. length - 1, for the input's own frames. */
export const inputSamples = (length: number): number[] => Array.from({ length }, (_, x) => x);

/** A beat analysis at 100 samples a second whose beats all sound the same (the frames tell them apart). */
export function flatBeats(length: number, beats: readonly number[], beatSamples: number): BeatAnalysis {
  return {
    sampleRate: 100,
    length,
    beats,
    beatSamples,
    features: {
      chroma: beats.map(() => Float32Array.from({ length: CHROMA_BINS }, (_, k) => (k === 0 ? 1 : 0))),
      mfcc: beats.map(() => new Float32Array(MFCC_COEFFICIENTS)),
      levelDb: new Float32Array(beats.length).fill(-20),
    },
  } as unknown as BeatAnalysis;
}

import type { ModelConfig } from "../model/config.ts";
import { frameWidth } from "../model/config.ts";
import { standardiseInto, type Standardisation } from "../model/standardise.ts";

/** A file's raw second frames ([seconds][featureSize]), named as in the split. */
export interface FileFrames {
  readonly name: string;
  readonly frames: readonly Float32Array[];
}

/**
 * Standardised training windows of a feature model, all in memory (a corpus of hours is a few MB):
 * x [count, contextFrames, featureSize] and y [count, horizonFrames, featureSize], row-major.
 */
export interface FeatureWindows {
  readonly count: number;
  readonly contextFrames: number;
  readonly horizonFrames: number;
  readonly featureSize: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/** Where a window starts: frame `start` of file `file` (index into the files given to featureWindows). */
export interface WindowPosition {
  readonly file: number;
  readonly start: number;
}

/**
 * Window starts of contextFrames + horizonFrames frames every hopFrames (>= 1) in each file; a file shorter than one
 * window gives none.
 */
export function windowPositions(
  files: readonly FileFrames[],
  config: ModelConfig,
  hopFrames: number,
): WindowPosition[] {
  const length = config.encoderSteps + config.decoderSteps;
  const hop = Math.max(1, Math.round(hopFrames));
  const positions: WindowPosition[] = [];
  files.forEach((file, index) => {
    for (let start = 0; start + length <= file.frames.length; start += hop) positions.push({ file: index, start });
  });
  return positions;
}

/**
 * Sliding windows (encoderSteps frames in, the next decoderSteps frames out, every hopFrames frames) of every file,
 * standardised with `standardisation`.
 */
export function featureWindows(
  files: readonly FileFrames[],
  config: ModelConfig,
  hopFrames: number,
  standardisation: Standardisation,
): FeatureWindows {
  const featureSize = frameWidth(config);
  const { encoderSteps: contextFrames, decoderSteps: horizonFrames } = config;
  const positions = windowPositions(files, config, hopFrames);
  const x = new Float32Array(positions.length * contextFrames * featureSize);
  const y = new Float32Array(positions.length * horizonFrames * featureSize);
  positions.forEach(({ file, start }, i) => {
    const frames = files[file]!.frames;
    for (let t = 0; t < contextFrames; t++)
      standardiseInto(frames[start + t]!, standardisation, x, (i * contextFrames + t) * featureSize);
    for (let t = 0; t < horizonFrames; t++) {
      standardiseInto(frames[start + contextFrames + t]!, standardisation, y, (i * horizonFrames + t) * featureSize);
    }
  });
  return { count: positions.length, contextFrames, horizonFrames, featureSize, x, y };
}

/** Windows `indices` of `windows` as one batch: x [n, contextFrames, featureSize], y [n, horizonFrames, featureSize]. */
export function gatherWindows(
  windows: FeatureWindows,
  indices: readonly number[],
): { x: Float32Array; y: Float32Array } {
  const xSize = windows.contextFrames * windows.featureSize;
  const ySize = windows.horizonFrames * windows.featureSize;
  const x = new Float32Array(indices.length * xSize);
  const y = new Float32Array(indices.length * ySize);
  indices.forEach((w, i) => {
    x.set(windows.x.subarray(w * xSize, (w + 1) * xSize), i * xSize);
    y.set(windows.y.subarray(w * ySize, (w + 1) * ySize), i * ySize);
  });
  return { x, y };
}

/**
 * Augmentation for second frames: each window of a batch (x [n, contextFrames, featureSize], y [n, horizonFrames,
 * featureSize]) is transposed by a random number of semitones (0-11): its chroma bins [chromaStart, chromaStart + 12)
 * are rotated alike in every frame of context and target. Exact in standardised space when the 12 chroma dimensions
 * share one mean and deviation (pooled standardisation). Other features (MFCC, loudness) are left as they are.
 */
export function chromaRotation(contextFrames: number, horizonFrames: number, featureSize: number, chromaStart = 0) {
  const rotate = (values: Float32Array, frames: number, window: number, shift: number, scratch: Float32Array) => {
    for (let t = 0; t < frames; t++) {
      const base = (window * frames + t) * featureSize + chromaStart;
      for (let b = 0; b < 12; b++) scratch[b] = values[base + ((b + shift) % 12)]!;
      values.set(scratch, base);
    }
  };
  return (x: Float32Array, y: Float32Array, n: number, random: () => number): void => {
    const scratch = new Float32Array(12);
    for (let w = 0; w < n; w++) {
      const shift = Math.floor(random() * 12);
      if (shift === 0) continue;
      rotate(x, contextFrames, w, shift, scratch);
      rotate(y, horizonFrames, w, shift, scratch);
    }
  };
}

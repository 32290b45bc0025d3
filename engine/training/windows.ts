import type { ModelConfig } from "../model/config.ts";
import { DEFAULT_NORMALISATION, normaliseWindow, type NormalisationSettings } from "../model/normalise.ts";
import { readCachedSamples, type CachedAudio } from "./cache.ts";

/** One training example: (encoderSteps + decoderSteps) seconds starting at `start` samples of a cached file. */
export interface WindowRef {
  readonly audio: CachedAudio;
  readonly start: number;
}

/**
 * Sliding windows of encoderSteps + decoderSteps seconds (20 in + 10 out for the seed) every hopSeconds.
 * A file shorter than one window gives none.
 */
export function slidingWindows(files: readonly CachedAudio[], config: ModelConfig, hopSeconds: number): WindowRef[] {
  const length = (config.encoderSteps + config.decoderSteps) * config.sampleRate;
  const hop = Math.max(1, Math.round(hopSeconds * config.sampleRate));
  const windows: WindowRef[] = [];
  for (const audio of files) {
    for (let start = 0; start + length <= audio.samples; start += hop) windows.push({ audio, start });
  }
  return windows;
}

/** A batch ready for the model: x [batch, encoderSteps, sampleRate], y [batch, decoderSteps, sampleRate], row-major. */
export interface WindowBatch {
  readonly size: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/**
 * Streams batches from the cache (only one batch of windows in memory), each window normalised by its own
 * context gain (normalise.ts) with the same gain on its target.
 */
export async function* windowBatches(
  windows: readonly WindowRef[],
  config: ModelConfig,
  batchSize: number,
  normalisation: NormalisationSettings = DEFAULT_NORMALISATION,
): AsyncGenerator<WindowBatch> {
  const contextLength = config.encoderSteps * config.sampleRate;
  const targetLength = config.decoderSteps * config.sampleRate;
  for (let first = 0; first < windows.length; first += batchSize) {
    const slice = windows.slice(first, first + batchSize);
    const x = new Float32Array(slice.length * contextLength);
    const y = new Float32Array(slice.length * targetLength);
    for (const [i, window] of slice.entries()) {
      const samples = await readCachedSamples(window.audio, window.start, contextLength + targetLength);
      const normalised = normaliseWindow(
        samples.subarray(0, contextLength),
        samples.subarray(contextLength),
        normalisation,
      );
      x.set(normalised.context, i * contextLength);
      y.set(normalised.target!, i * targetLength);
    }
    yield { size: slice.length, x, y };
  }
}

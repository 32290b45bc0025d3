import { gatedBlockLoudness } from "../audio/k-weighting.ts";

/**
 * Integrated loudness (BS.1770 gating) of a signal fed piece by piece, in order: the K-weighted power of each piece,
 * given or computed by a K-weighting filter whose memory carries across pieces. The same arithmetic, in the same
 * order, as kWeightedPower and gatedLoudness on the whole signal (so the figures are equal to the last bit), holding
 * only one block's worth of power and one mean per 100 ms instead of a float per sample.
 */
export interface LoudnessMeter {
  /** K-weighted power of the next samples (as kWeightedPower computes it). */
  pushPower(power: Float32Array): void;
  /** LUFS of everything pushed; -Infinity for silence or less than one 400 ms block. */
  loudness(): number;
}

export function loudnessMeter(sampleRate: number): LoudnessMeter {
  const windowFrames = Math.round(0.4 * sampleRate);
  const hopFrames = Math.round(0.1 * sampleRate);
  // The last windowFrames + hopFrames values: what windowMeans subtracts as its window moves on.
  const ringSize = windowFrames + hopFrames;
  const ring = new Float32Array(ringSize);
  const means: number[] = [];
  let sum = 0;
  let end = 0;
  let start = 0;
  let write = 0;
  let read = 0;
  return {
    pushPower: (power) => {
      if (windowFrames < 1) return;
      let i = 0;
      while (i < power.length) {
        // Add up to the next block's end, then drop what precedes its start: windowMeans' order of operations.
        const windowStart = means.length * hopFrames;
        const stop = Math.min(power.length, i + windowStart + windowFrames - end);
        for (; i < stop; i++) {
          const value = power[i]!;
          ring[write] = value;
          if (++write === ringSize) write = 0;
          sum += value;
          end++;
        }
        if (end !== windowStart + windowFrames) continue;
        for (; start < windowStart; start++) {
          sum -= ring[read]!;
          if (++read === ringSize) read = 0;
        }
        means.push(sum / windowFrames);
      }
    },
    loudness: () => gatedBlockLoudness(Float64Array.from(means)),
  };
}

import { channelWeight, gatedBlockLoudness, kWeightingFilters } from "../audio/k-weighting.ts";

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

/** A K-weighting filter (kWeightedPower's two stages per channel) whose memory carries from one piece to the next. */
export interface KWeighting {
  /** The K-weighted power of the next frames (every channel, equally long). */
  power(channels: readonly Float32Array[]): Float32Array;
}

/** A filter at rest. */
export function kWeighting(sampleRate: number, channelCount: number): KWeighting {
  const [[s0, s1, s2, sa1, sa2], [h0, h1, h2, ha1, ha2]] = kWeightingFilters(sampleRate);
  // Per channel: x1, x2, y1, y2, z1, z2.
  const memory = Array.from({ length: channelCount }, () => new Float64Array(6));
  return {
    power: (channels) => {
      const frames = channels[0]?.length ?? 0;
      const power = new Float32Array(frames);
      channels.forEach((channel, index) => {
        const weight = channelWeight(index);
        const m = memory[index]!;
        let [x1, x2, y1, y2, z1, z2] = m as unknown as [number, number, number, number, number, number];
        for (let i = 0; i < frames; i++) {
          const x = channel[i]!;
          const y = s0 * x + s1 * x1 + s2 * x2 - sa1 * y1 - sa2 * y2;
          x2 = x1;
          x1 = x;
          const z = h0 * y + h1 * y1 + h2 * y2 - ha1 * z1 - ha2 * z2;
          y2 = y1;
          y1 = y;
          z2 = z1;
          z1 = z;
          power[i]! += weight * z * z;
        }
        m.set([x1, x2, y1, y2, z1, z2]);
      });
      return power;
    },
  };
}

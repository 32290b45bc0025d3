import { frameCount, type PcmAudio } from "../audio/pcm.ts";

/**
 * One pass over every sample, shared by the anchor search and the silence measure: for each 20 ms block, the
 * largest |sum of channels| (the mono downmix times the channel count: the same argmax without a division), where
 * it first occurs, and the sum of squares over all channels. Reading a 10-minute stereo result once costs about as
 * much as everything else in the form metrics, so it is read once.
 */
export interface BlockScan {
  /** Samples per block (20 ms at the audio's rate, at least 1). The last block may be shorter. */
  readonly blockSamples: number;
  readonly frames: number;
  readonly channelCount: number;
  /** Largest |sum of channels| in each block. */
  readonly max: Float64Array;
  /** Index (sample) of the first sample reaching it. */
  readonly arg: Int32Array;
  /** Sum over the block's samples and channels of x². */
  readonly sumOfSquares: Float64Array;
}

export const SCAN_BLOCK_SECONDS = 0.02;

export function scanBlocks(audio: PcmAudio): BlockScan {
  const frames = frameCount(audio);
  const size = Math.max(1, Math.round(SCAN_BLOCK_SECONDS * audio.sampleRate));
  const count = Math.ceil(frames / size);
  const max = new Float64Array(count);
  const arg = new Int32Array(count);
  const sumOfSquares = new Float64Array(count);
  const channels = audio.channels;
  const [left, right] = channels;
  for (let k = 0; k < count; k++) {
    const from = k * size;
    const end = Math.min(frames, from + size);
    let best = -1;
    let at = from;
    let power = 0;
    if (left && right && channels.length === 2) {
      for (let i = from; i < end; i++) {
        const a = left[i]!;
        const b = right[i]!;
        power += a * a + b * b;
        const v = Math.abs(a + b);
        if (v > best) {
          best = v;
          at = i;
        }
      }
    } else if (left && channels.length === 1) {
      for (let i = from; i < end; i++) {
        const a = left[i]!;
        power += a * a;
        const v = Math.abs(a);
        if (v > best) {
          best = v;
          at = i;
        }
      }
    } else {
      for (let i = from; i < end; i++) {
        let sum = 0;
        for (const c of channels) {
          sum += c[i]!;
          power += c[i]! * c[i]!;
        }
        const v = Math.abs(sum);
        if (v > best) {
          best = v;
          at = i;
        }
      }
    }
    max[k] = best;
    arg[k] = at;
    sumOfSquares[k] = power;
  }
  return { blockSamples: size, frames, channelCount: channels.length, max, arg, sumOfSquares };
}

/** |sum of the channels| at one sample (what BlockScan.max holds per block). */
export function levelAt(audio: PcmAudio, i: number): number {
  let sum = 0;
  for (const c of audio.channels) sum += c[i]!;
  return Math.abs(sum);
}

import { ebur128IntegratedMono, ebur128IntegratedStereo } from "./ebur128.ts";
import { gatedLoudness, kWeightedPower, loudnessOfPower, windowMeans } from "./k-weighting.ts";
import type { PcmAudio } from "./pcm.ts";

/**
 * Integrated loudness (ITU-R BS.1770 / EBU R128), LUFS. Mono and stereo are measured by
 * ebur128-wasm; more channels by the same gated measure on our own K-weighting.
 * -Infinity for silence or audio shorter than one 400 ms block.
 */
export function integratedLufs(audio: PcmAudio): number {
  const [left, right, ...others] = audio.channels;
  if (left === undefined || left.length === 0) return -Infinity;
  let lufs: number;
  if (right === undefined) lufs = ebur128IntegratedMono(audio.sampleRate, left);
  else if (others.length === 0) lufs = ebur128IntegratedStereo(audio.sampleRate, left, right);
  else lufs = gatedLoudness(kWeightedPower(audio), audio.sampleRate);
  return Number.isNaN(lufs) || lufs < -200 ? -Infinity : lufs;
}

/** EBU R128 short-term window. */
export const SHORT_TERM_SECONDS = 3;

/**
 * Short-term loudness (EBU R128: ungated K-weighted mean over 3 s), LUFS.
 * Value i covers [i * hopSeconds, i * hopSeconds + 3 s); only whole windows are measured,
 * except that audio shorter than 3 s gets one value for all of it.
 */
export function shortTermLufs(audio: PcmAudio, hopSeconds: number): Float64Array {
  if (!(hopSeconds > 0)) throw new RangeError(`hopSeconds must be positive, got ${hopSeconds}`);
  const power = kWeightedPower(audio);
  if (power.length === 0) return new Float64Array(0);
  const windowFrames = Math.min(power.length, Math.round(SHORT_TERM_SECONDS * audio.sampleRate));
  const hopFrames = Math.max(1, Math.round(hopSeconds * audio.sampleRate));
  return windowMeans(power, windowFrames, hopFrames).map(loudnessOfPower);
}

/**
 * Short-term loudness of the 3 s of `audio` from sample `from`, LUFS: shortTermLufs of that slice alone (the
 * K-weighting starting at rest on it). The slice must lie within the audio.
 */
export function shortTermLufsAt(audio: PcmAudio, from: number): number {
  const span = Math.round(SHORT_TERM_SECONDS * audio.sampleRate);
  const slice = { sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.subarray(from, from + span)) };
  return shortTermLufs(slice, SHORT_TERM_SECONDS)[0]!;
}

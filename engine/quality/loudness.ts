import type { PcmAudio } from "../audio/pcm.ts";
import { gatedLoudness, kWeightedPower } from "../audio/k-weighting.ts";

/**
 * BS.1770 / EBU R128 integrated loudness, LUFS (-Infinity for silence): the K-weighting and gating of
 * engine/audio/k-weighting.ts in plain TypeScript. Agrees with ebur128-wasm (integratedLufs) to about 1e-9 LU and
 * is about twice as fast on long stereo audio.
 */
export function integratedLoudness(audio: PcmAudio): number {
  if ((audio.channels[0]?.length ?? 0) === 0) return -Infinity;
  return gatedLoudness(kWeightedPower(audio), audio.sampleRate);
}

import type { PcmAudio } from "./pcm.ts";
import { resampleChannel } from "./resample.ts";

/** Average of the channels, one sample per frame (a copy even for mono input). */
export function toMono(audio: PcmAudio): Float32Array {
  const [first, ...rest] = audio.channels;
  if (first === undefined) return new Float32Array(0);
  const mono = Float32Array.from(first);
  if (rest.length === 0) return mono;
  for (const channel of rest) {
    for (let i = 0; i < mono.length; i++) mono[i]! += channel[i]!;
  }
  const scale = 1 / audio.channels.length;
  for (let i = 0; i < mono.length; i++) mono[i]! *= scale;
  return mono;
}

/** Mono at `rate` (downmix first, so only one channel is resampled). */
export async function monoAt(audio: PcmAudio, rate: number): Promise<Float32Array> {
  const mono = toMono(audio);
  return audio.sampleRate === rate ? mono : resampleChannel(mono, audio.sampleRate, rate);
}

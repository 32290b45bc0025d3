import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { ANALYSIS_RATE, type AnalysisSignal } from "../analysis/signal.ts";

/**
 * analysisSignal(audio) (engine/analysis/signal.ts: the channel mean in float32, then box decimation to about
 * 22 kHz), computed only for the analysis samples in `ranges` ([start, end), clamped): equal to it there, 0 elsewhere.
 * For reading a few places of a long result (its seams, a picture's columns) without downmixing all of it.
 */
export function analysisSignalIn(audio: PcmAudio, ranges: readonly (readonly [number, number])[]): AnalysisSignal {
  const factor = Math.max(1, Math.floor(audio.sampleRate / ANALYSIS_RATE));
  const length = Math.floor(frameCount(audio) / factor);
  const samples = new Float32Array(length);
  const mono = downmixAt(audio.channels);
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let done = 0;
  for (const [start, end] of sorted) {
    for (let i = Math.max(done, start, 0); i < Math.min(length, end); i++) {
      let sum = 0;
      for (let k = 0; k < factor; k++) sum += mono(i * factor + k);
      samples[i] = sum / factor;
    }
    done = Math.max(done, end);
  }
  return { samples, sampleRate: audio.sampleRate / factor, factor };
}

/** The downmix's sample at one position: float32 at every step, in channel order, as downmix accumulates. */
function downmixAt(channels: readonly Float32Array[]): (at: number) => number {
  const [first, second] = channels;
  if (channels.length === 1 && first) return (at) => first[at]!;
  const scale = 1 / Math.max(1, channels.length);
  if (channels.length === 2 && first && second)
    return (at) => Math.fround(Math.fround(first[at]! + second[at]!) * scale);
  return (at) => {
    let sum = 0;
    for (const channel of channels) sum = Math.fround(sum + channel[at]!);
    return Math.fround(sum * scale);
  };
}

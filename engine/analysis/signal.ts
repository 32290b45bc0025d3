import { perAudio, type PcmAudio } from "../audio/pcm.ts";

/** Features are computed on a mono copy at about this rate: enough for beats, chroma and MFCC, and quick. */
export const ANALYSIS_RATE = 22050;

/** A mono analysis copy and how it maps back to the original's sample positions. */
export interface AnalysisSignal {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Original samples per analysis sample. */
  readonly factor: number;
}

/** Average of all channels. */
export function downmix(audio: PcmAudio): Float32Array {
  const channels = audio.channels;
  const first = channels[0];
  if (first === undefined) return new Float32Array(0);
  if (channels.length === 1) return first;
  const second = channels[1]!;
  if (channels.length === 2 && second.length === first.length) {
    // The loop below for two channels in one pass (a fifth of the time): the same float32 rounding at each step.
    const out = new Float32Array(first.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.fround(first[i]! + second[i]!) * 0.5;
    return out;
  }
  const out = new Float32Array(first.length);
  for (const channel of channels) {
    for (let i = 0; i < out.length; i++) out[i]! += channel[i] ?? 0;
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}

/**
 * Downmixes and decimates by the largest integer factor that keeps the rate at or above ANALYSIS_RATE
 * (44.1 kHz -> 22.05 kHz, 48 kHz -> 24 kHz). A box average is a crude anti-alias filter, good enough for
 * features that live below 5 kHz; exact positions map back by multiplying with `factor`. Made once per audio object:
 * the beats, the conductor's second frames and the measurement read the same (nobody writes into it).
 */
export const analysisSignal = perAudio((audio): AnalysisSignal => {
  const mono = downmix(audio);
  const factor = Math.max(1, Math.floor(audio.sampleRate / ANALYSIS_RATE));
  return { samples: decimate(mono, factor), sampleRate: audio.sampleRate / factor, factor };
});

export function decimate(samples: Float32Array, factor: number): Float32Array {
  if (factor === 1) return samples;
  const out = new Float32Array(Math.floor(samples.length / factor));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < factor; k++) sum += samples[i * factor + k]!;
    out[i] = sum / factor;
  }
  return out;
}

/**
 * Resamples mono audio by linear interpolation after a box low-pass when going down. For analysis and for
 * feeding the guide model, not for output audio.
 */
export function resampleMono(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples;
  const ratio = fromRate / toRate;
  const integer = Math.round(ratio);
  if (Math.abs(ratio - integer) < 1e-9 && integer >= 1) return decimate(samples, integer);
  const smoothing = ratio > 1 ? Math.floor(ratio) : 1;
  const source = smoothing > 1 ? movingAverage(samples, smoothing) : samples;
  const out = new Float32Array(Math.floor((samples.length * toRate) / fromRate));
  for (let i = 0; i < out.length; i++) {
    const position = i * ratio;
    const left = Math.floor(position);
    const fraction = position - left;
    const a = source[left] ?? 0;
    const b = source[left + 1] ?? a;
    out[i] = a + (b - a) * fraction;
  }
  return out;
}

function movingAverage(samples: Float32Array, width: number): Float32Array {
  const out = new Float32Array(samples.length);
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    sum += samples[i]!;
    if (i >= width) sum -= samples[i - width]!;
    out[i] = sum / Math.min(i + 1, width);
  }
  return out;
}

/** RMS level in dBFS of samples [start, end); -120 for digital silence. */
export function rmsDb(samples: Float32Array, start = 0, end = samples.length): number {
  let sum = 0;
  const from = Math.max(0, start);
  const to = Math.min(samples.length, end);
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  const n = Math.max(1, to - from);
  return sum > 0 ? Math.max(-120, 10 * Math.log10(sum / n)) : -120;
}

import type { PcmAudio } from "./pcm.ts";

/** libsamplerate converters: "medium" is the default (97 dB SNR, 90 % bandwidth, ~30x real time per channel here). */
export type ResampleQuality = "best" | "medium" | "fastest";

const CONVERTERS = {
  best: "SRC_SINC_BEST_QUALITY",
  medium: "SRC_SINC_MEDIUM_QUALITY",
  fastest: "SRC_SINC_FASTEST",
} as const;

/**
 * Zeros appended before converting: the library splits inputs over 1 M samples into chunks
 * and never flushes the filter, so the tail would be lost. Padding and trimming keeps every
 * output sample, whatever the input length. (The best converter's delay is under 2,048 input samples.)
 */
const TAIL_PADDING = 4096;

/** Resamples one channel; output length round(n * targetRate / sourceRate). */
export async function resampleChannel(
  samples: Float32Array,
  sourceRate: number,
  targetRate: number,
  quality: ResampleQuality = "medium",
): Promise<Float32Array> {
  const outputLength = Math.round((samples.length * targetRate) / sourceRate);
  if (sourceRate === targetRate) return samples.slice();
  if (samples.length === 0) return new Float32Array(0);
  const padded = new Float32Array(samples.length + Math.ceil(TAIL_PADDING * Math.max(1, sourceRate / targetRate)));
  padded.set(samples);
  // Loaded when first needed: most jobs never resample, and the library (2 MB of JavaScript) costs start-up time.
  const { default: LibSampleRate } = await import("@alexanderolsen/libsamplerate-js");
  const converterType = LibSampleRate.ConverterType[CONVERTERS[quality]];
  const converter = await LibSampleRate.create(1, sourceRate, targetRate, { converterType });
  try {
    const converted = converter.simple(padded);
    const output = new Float32Array(outputLength);
    output.set(converted.subarray(0, outputLength));
    return output;
  } finally {
    converter.destroy();
  }
}

/**
 * Converts every channel to `targetRate` with libsamplerate (sinc interpolation).
 * Each channel becomes round(n * targetRate / sampleRate) samples long; the same rate is an identity
 * (the input object itself is returned).
 */
export async function resample(
  audio: PcmAudio,
  targetRate: number,
  quality: ResampleQuality = "medium",
): Promise<PcmAudio> {
  if (!Number.isInteger(targetRate) || targetRate < 1 || targetRate > 192_000) {
    throw new RangeError(`target sample rate must be a whole number of Hz from 1 to 192000, got ${targetRate}`);
  }
  if (audio.sampleRate === targetRate) return audio;
  const channels: Float32Array[] = [];
  for (const channel of audio.channels) {
    channels.push(await resampleChannel(channel, audio.sampleRate, targetRate, quality));
  }
  return { sampleRate: targetRate, channels };
}

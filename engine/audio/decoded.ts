import type { PcmAudio } from "./pcm.ts";
import type { AudioFormat } from "./format.ts";

/** Sample formats encodeWav writes. */
export type WavBitDepth = 16 | 24 | "32f";

/** Decoded audio plus what it was decoded from. */
export type DecodedAudio = PcmAudio & {
  readonly format: AudioFormat;
  /** Codec and sample format in words, e.g. "PCM 16-bit", "MPEG-1 Layer III", "Vorbis". */
  readonly codecDetail?: string;
  /**
   * Lossless sources only (WAV, FLAC): the encodeWav depth that stores these decoded samples
   * exactly, so an output whose first part is the input stays sample-identical to it
   * (8/16-bit -> 16, 20/24-bit -> 24, 32-bit integer and float -> "32f").
   */
  readonly bitDepth?: WavBitDepth;
  /**
   * Compressed sources: the decoder's largest sample magnitude before the samples were clamped to [-1, 1], above 1
   * where a lossy decode overshoots full scale (a loud master's Vorbis decoding to +1.9 dBFS), as players hear it.
   */
  readonly peakBeforeClamp?: number;
};

/** The smallest WAV depth that holds samples decoded from `sourceBits`-bit integers exactly. */
export function losslessWavDepth(sourceBits: number, isFloat: boolean): WavBitDepth {
  if (isFloat || sourceBits > 24) return "32f";
  return sourceBits <= 16 ? 16 : 24;
}

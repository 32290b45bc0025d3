/** Audio I/O for the engine: decode, resample, downmix, encode, measure and check input. */
export type { PcmAudio } from "./pcm.ts";
export { durationSeconds, frameCount } from "./pcm.ts";
export type { AudioFormat, SniffedContainer } from "./format.ts";
export { sniffFormat, sniffContainer } from "./format.ts";
export type { DecodedAudio, WavBitDepth } from "./decoded.ts";
export { decodeAudio, decodeAudioFile } from "./decode.ts";
export type { ResampleQuality } from "./resample.ts";
export { resample, resampleChannel } from "./resample.ts";
export { toMono, monoAt } from "./mono.ts";
export { encodeWav, writeWavFile } from "./encode-wav.ts";
export { rms, peak, dbfs } from "./levels.ts";
export { checkInput, SILENCE_PEAK_DBFS, SILENCE_RMS_DBFS } from "./check-input.ts";
export { integratedLufs, shortTermLufs, SHORT_TERM_SECONDS } from "./loudness.ts";

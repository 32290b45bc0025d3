import { encodeWav } from "../encode-wav.ts";
import type { PcmAudio } from "../pcm.ts";
import type { EncodeProgress } from "./bytes.ts";
import { encodeFlac } from "./flac.ts";
import type { OutputFormat } from "./formats.ts";
import { encodeMp3 } from "./mp3.ts";
import { encodeOggOpus } from "./opus.ts";
import { encodeOggVorbis } from "./vorbis.ts";

export type { EncodeProgress } from "./bytes.ts";
export type { OutputFormat, ResolvedOutput } from "./formats.ts";
export {
  defaultOutputFormat,
  FORMAT_CHOICES,
  FORMAT_INFO,
  OUTPUT_FORMATS,
  parseFormatName,
  resolveOutput,
} from "./formats.ts";
export { OPUS_RATE } from "./opus.ts";

export interface EncodeAudioOptions {
  /** FLAC only: 16 or 24 bits (default 24; 16 when the source was 16-bit). */
  readonly flacBits?: 16 | 24;
  readonly onProgress?: EncodeProgress;
}

/** The audio as a file in `format`. Lossy formats keep the exact length (gapless headers, pre-skip, granule). */
export async function encodeAudio(
  audio: PcmAudio,
  format: OutputFormat,
  options: EncodeAudioOptions = {},
): Promise<Uint8Array> {
  const frames = audio.channels[0]?.length ?? 0;
  switch (format) {
    case "wav16":
    case "wav24":
    case "wav32f": {
      const bytes = encodeWav(audio, format === "wav16" ? 16 : format === "wav24" ? 24 : "32f");
      options.onProgress?.(frames, frames);
      return bytes;
    }
    case "flac":
      return encodeFlac(audio, options.flacBits ?? 24, options.onProgress);
    case "mp3":
      return encodeMp3(audio, options.onProgress);
    case "ogg-vorbis":
      return encodeOggVorbis(audio, options.onProgress);
    case "ogg-opus":
      return encodeOggOpus(audio, options.onProgress);
  }
}

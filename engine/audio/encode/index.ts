import type { PcmAudio } from "../pcm.ts";
import { streamOf, type AudioStream } from "../stream.ts";
import type { EncodeProgress } from "./bytes.ts";
import { encodeFlacStream } from "./flac.ts";
import type { OutputFormat } from "./formats.ts";
import {
  encodeFlacParallel,
  encodeMp3Parallel,
  encodeOpusParallel,
  encodeVorbisParallel,
  FLAC_PLAN,
  mp3Plan,
  OPUS_PLAN,
  VORBIS_PLAN,
} from "./encode-parallel.ts";
import { encodeMp3Stream, MP3_VBR_QUALITY, mp3SampleRate } from "./mp3.ts";
import { parallelFor } from "./parallel.ts";
import { encodeOggOpusStream, OPUS_BITRATE, OPUS_RATE } from "./opus.ts";
import { MemorySink, type OutputSink } from "./sink.ts";
import { type LossyFormat, type LossySetting, settingForKbps } from "./quality.ts";
import { encodeOggVorbisStream, VORBIS_QUALITY } from "./vorbis.ts";
import { writeWavStream } from "./wav-stream.ts";

export type { EncodeProgress } from "./bytes.ts";
export type { OutputFormat, ResolvedOutput } from "./formats.ts";
export {
  checkChannelsFor,
  defaultOutputFormat,
  FORMAT_CHOICES,
  FORMAT_INFO,
  OUTPUT_FORMATS,
  parseFormatName,
  resolveOutput,
} from "./formats.ts";
export { OPUS_RATE } from "./opus.ts";
export {
  describeSetting,
  inputKbps,
  isLossy,
  type LossyFormat,
  type LossySetting,
  QUALITY_KBPS_RANGE,
} from "./quality.ts";
export { MemorySink, type OutputSink } from "./sink.ts";

/** The sample rate a file of `format` holds for a result at `sampleRate`: Opus is always 48 kHz, MP3 has its own rates. */
export function encodedSampleRate(format: OutputFormat, sampleRate: number): number {
  if (format === "ogg-opus") return OPUS_RATE;
  return format === "mp3" ? mp3SampleRate(sampleRate) : sampleRate;
}

export interface EncodeAudioOptions {
  /** FLAC only: 16 or 24 bits (default 24; 16 when the source was 16-bit). */
  readonly flacBits?: 16 | 24;
  /** Lossy formats: the encoder's setting (chooseLossySetting); default each format's own (-V 0, quality 6, 160 kbit/s). */
  readonly setting?: LossySetting;
  readonly onProgress?: EncodeProgress;
  /**
   * Threads encoding FLAC, MP3, Opus and Vorbis in segments (encode-parallel.ts), by default one per core; 1 encodes
   * here, in one piece. Results shorter than two segments (about 48 s) are encoded in one piece either way. A WAV of
   * 12 s or more is packed in a second thread when this is 2 or more (wav-stream.ts), the same bytes.
   */
  readonly threads?: number;
}

/** The setting of a lossy `format` that gives about `kbps` kbit/s on this audio (see settingForKbps). */
export function chooseLossySetting(format: LossyFormat, audio: PcmAudio, kbps: number): Promise<LossySetting> {
  return settingForKbps(format, audio, kbps, (excerpt, setting) => encodeAudio(excerpt, setting.format, { setting }));
}

/** The audio as a file in `format`. Lossy formats keep the exact length (gapless headers, pre-skip, granule). */
export async function encodeAudio(
  audio: PcmAudio,
  format: OutputFormat,
  options: EncodeAudioOptions = {},
): Promise<Uint8Array> {
  const sink = new MemorySink();
  await encodeStream(streamOf(audio), format, sink, options);
  return sink.bytes();
}

/** The stream, read window by window, written to `sink` as a file in `format` (see encodeAudio). */
export async function encodeStream(
  stream: AudioStream,
  format: OutputFormat,
  sink: OutputSink,
  options: EncodeAudioOptions = {},
): Promise<void> {
  switch (format) {
    case "wav16":
    case "wav24":
    case "wav32f":
      return writeWavStream(
        stream,
        format === "wav16" ? 16 : format === "wav24" ? 24 : "32f",
        sink,
        options.onProgress,
        options.threads,
      );
    case "flac": {
      const bits = options.flacBits ?? 24;
      const parallel = await parallelFor(stream, FLAC_PLAN, options.threads);
      if (parallel)
        return parallel.use((threads) => encodeFlacParallel(stream, bits, sink, threads, options.onProgress));
      return encodeFlacStream(stream, bits, sink, options.onProgress);
    }
    case "mp3": {
      const setting = options.setting?.format === "mp3" ? options.setting : undefined;
      const mp3 = setting && ("cbrKbps" in setting ? { bitrate: setting.cbrKbps } : { vbrQuality: setting.vbrQuality });
      const parallel = await parallelFor(stream, mp3Plan(mp3SampleRate(stream.sampleRate)), options.threads);
      if (parallel) {
        const chosen = mp3 ?? { vbrQuality: MP3_VBR_QUALITY };
        return parallel.use(async (threads) => {
          await encodeMp3Parallel(stream, sink, chosen, threads, options.onProgress);
        });
      }
      return encodeMp3Stream(stream, sink, options.onProgress, mp3);
    }
    case "ogg-vorbis": {
      const setting = options.setting?.format === "ogg-vorbis" ? options.setting : undefined;
      const parallel = await parallelFor(stream, VORBIS_PLAN, options.threads);
      if (parallel) {
        const quality = setting?.quality ?? VORBIS_QUALITY;
        return parallel.use(async (threads) => {
          await encodeVorbisParallel(stream, sink, quality, threads, options.onProgress);
        });
      }
      return encodeOggVorbisStream(stream, sink, options.onProgress, setting?.quality);
    }
    case "ogg-opus": {
      const setting = options.setting?.format === "ogg-opus" ? options.setting : undefined;
      const parallel = await parallelFor(stream, OPUS_PLAN, options.threads);
      if (parallel) {
        const bitrate = setting?.bitrate ?? OPUS_BITRATE[stream.channelCount as 1 | 2];
        return parallel.use((threads) => encodeOpusParallel(stream, sink, bitrate, threads, options.onProgress));
      }
      return encodeOggOpusStream(stream, sink, options.onProgress, setting?.bitrate);
    }
  }
}

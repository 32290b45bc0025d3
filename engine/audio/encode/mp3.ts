import { createMp3Encoder } from "wasm-media-encoders";
import { resampleForEncoder } from "./polyphase.ts";
import type { PcmAudio } from "../pcm.ts";
import { ByteSink, ENCODE_BLOCK_FRAMES, yieldToEventLoop, type EncodeProgress } from "./bytes.ts";
import { buildLameTagFrame } from "./lame-tag.ts";

/** Sample rates MPEG-1/2/2.5 Layer III can carry. */
const MP3_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const;
type Mp3Rate = (typeof MP3_RATES)[number];

/** LAME's VBR quality: 0 is "-V 0", about 245 kbit/s for stereo music, transparent for nearly everything. */
export const MP3_VBR_QUALITY = 0;

/** The input's rate when MP3 carries it; otherwise 48 kHz (or 44.1 kHz for rates in its family). */
export function mp3SampleRate(sampleRate: number): Mp3Rate {
  const exact = MP3_RATES.find((rate) => rate === sampleRate);
  if (exact !== undefined) return exact;
  return sampleRate % 11025 === 0 ? 44100 : 48000;
}

/**
 * MP3 (LAME -V 0, joint stereo) with a Xing and LAME tag giving the encoder delay and padding, so decoders that
 * honour it (mpg123, ffmpeg, browsers) return exactly the encoded samples. Mono stays mono; more than two channels
 * are refused (MP3 carries at most two). Rates MP3 cannot carry are resampled first.
 */
export async function encodeMp3(audio: PcmAudio, onProgress?: EncodeProgress): Promise<Uint8Array> {
  const channelCount = audio.channels.length;
  if (channelCount < 1 || channelCount > 2) throw new RangeError(`MP3 carries 1 or 2 channels, not ${channelCount}`);
  const source = await resampleForEncoder(audio, mp3SampleRate(audio.sampleRate));
  const sampleRate = mp3SampleRate(source.sampleRate);
  const frames = source.channels[0]!.length;
  const encoder = await createMp3Encoder();
  encoder.configure({
    sampleRate,
    channels: channelCount as 1 | 2,
    vbrQuality: MP3_VBR_QUALITY,
    outputSampleRate: sampleRate,
  });
  const sink = new ByteSink();
  for (let start = 0; start < frames; start += ENCODE_BLOCK_FRAMES) {
    const end = Math.min(frames, start + ENCODE_BLOCK_FRAMES);
    sink.push(encoder.encode(source.channels.map((channel) => channel.subarray(start, end))));
    onProgress?.(end, frames);
    if (end < frames) await yieldToEventLoop();
  }
  sink.push(encoder.finalize());
  const audioFrames = sink.bytes();
  const tag = buildLameTagFrame({ audio: audioFrames, samples: frames, vbr: true });
  const file = new Uint8Array(tag.length + audioFrames.length);
  file.set(tag);
  file.set(audioFrames, tag.length);
  return file;
}

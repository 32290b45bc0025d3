import { createMp3Encoder } from "wasm-media-encoders";
import type { PcmAudio } from "../pcm.ts";
import { streamOf, type AudioStream } from "../stream.ts";
import { ENCODE_BLOCK_FRAMES, yieldToEventLoop, type EncodeProgress } from "./bytes.ts";
import { buildLameTagFrame, lameTagFrameSize, MpegFrameTracker } from "./lame-tag.ts";
import { resampledStream } from "./polyphase.ts";
import { MemorySink, type OutputSink } from "./sink.ts";

/** Sample rates MPEG-1/2/2.5 Layer III can carry. */
const MP3_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const;
type Mp3Rate = (typeof MP3_RATES)[number];

/** LAME's VBR quality: 0 is "-V 0", about 245 kbit/s for stereo music, transparent for nearly everything. */
export const MP3_VBR_QUALITY = 0;

/** LAME's VBR quality (0 best, 9.999 leanest), or a constant bitrate in kbit/s. */
export type Mp3Setting =
  | { readonly vbrQuality: number }
  | { readonly bitrate: 32 | 40 | 48 | 64 | 80 | 96 | 112 | 128 | 160 | 192 | 224 | 256 | 320 };

/** The input's rate when MP3 carries it; otherwise 48 kHz (or 44.1 kHz for rates in its family). */
export function mp3SampleRate(sampleRate: number): Mp3Rate {
  const exact = MP3_RATES.find((rate) => rate === sampleRate);
  if (exact !== undefined) return exact;
  return sampleRate % 11025 === 0 ? 44100 : 48000;
}

/** encodeMp3Stream into memory. */
export async function encodeMp3(audio: PcmAudio, onProgress?: EncodeProgress): Promise<Uint8Array> {
  const sink = new MemorySink();
  await encodeMp3Stream(streamOf(audio), sink, onProgress);
  return sink.bytes();
}

/**
 * MP3 (LAME -V 0, joint stereo) with a Xing and LAME tag giving the encoder delay and padding, so decoders that
 * honour it (mpg123, ffmpeg, browsers) return exactly the encoded samples. Mono stays mono; more than two channels
 * are refused (MP3 carries at most two). Rates MP3 cannot carry are resampled first. The tag's place is reserved
 * before the first audio frame and filled in at the end.
 */
export async function encodeMp3Stream(
  input: AudioStream,
  sink: OutputSink,
  onProgress?: EncodeProgress,
  setting: Mp3Setting = { vbrQuality: MP3_VBR_QUALITY },
): Promise<void> {
  const channelCount = input.channelCount;
  if (channelCount < 1 || channelCount > 2) throw new RangeError(`MP3 carries 1 or 2 channels, not ${channelCount}`);
  const source = await resampledStream(input, mp3SampleRate(input.sampleRate));
  const sampleRate = mp3SampleRate(source.sampleRate);
  const frames = source.length;
  const encoder = await createMp3Encoder();
  encoder.configure({
    sampleRate,
    channels: channelCount as 1 | 2,
    ...setting,
    outputSampleRate: sampleRate,
  });
  const tracker = new MpegFrameTracker();
  let pending: Uint8Array[] = [];
  let reserved = false;
  // Until the first frame's header is known, the tag's size is not: the first bytes wait.
  const put = async (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    tracker.push(bytes);
    if (!reserved) {
      pending.push(bytes.slice());
      if (tracker.firstHeader === undefined) return;
      reserved = true;
      await sink.write(new Uint8Array(lameTagFrameSize(tracker).frameBytes));
      for (const chunk of pending) await sink.write(chunk);
      pending = [];
      return;
    }
    await sink.write(bytes);
  };
  for (let start = 0; start < frames; start += ENCODE_BLOCK_FRAMES) {
    const end = Math.min(frames, start + ENCODE_BLOCK_FRAMES);
    await put(encoder.encode(source.read(start, end)));
    onProgress?.(end, frames);
    if (end < frames) await yieldToEventLoop();
  }
  await put(encoder.finalize());
  if (!reserved) throw new Error("the MP3 encoder wrote no frames");
  await sink.patch(0, buildLameTagFrame({ audio: tracker, samples: frames, vbr: "vbrQuality" in setting }));
}

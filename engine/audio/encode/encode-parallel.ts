import type { AudioStream } from "../stream.ts";
import type { EncodeProgress } from "./bytes.ts";
import { FLAC_BLOCK, type FlacSegment } from "./flac-segment.ts";
import { FlacJoiner } from "./flac-join.ts";
import type { Mp3Frames } from "./mp3-frames.ts";
import { JOIN_SPAN, Mp3Joiner } from "./mp3-join.ts";
import { mp3SampleRate, type Mp3Setting } from "./mp3.ts";
import { OPUS_RATE } from "./opus.ts";
import { OpusJoiner } from "./opus-join.ts";
import { OPUS_FRAME, type OpusSegment } from "./opus-segment.ts";
import { encodeSegments } from "./parallel.ts";
import { resampledStream } from "./polyphase.ts";
import type { EncodeThreads } from "./segment-threads.ts";
import { type SegmentPlan, segmentSamples } from "./segments.ts";
import type { OutputSink } from "./sink.ts";
import { VorbisJoiner, type VorbisJoinCounts } from "./vorbis-join.ts";
import type { VorbisSegment } from "./vorbis-segment.ts";

/** About 2^20 samples (24 s at 44.1 kHz) per segment: 8 MB of stereo samples in flight per segment. */
export const FLAC_PLAN: SegmentPlan = { unit: FLAC_BLOCK, units: 256, preRoll: 0, postRoll: 0 };

/** MP3 frames of 1,152 samples (MPEG-1) or 576 (MPEG-2/2.5, rates up to 24 kHz). */
export function mp3Plan(sampleRate: number): SegmentPlan {
  const unit = sampleRate >= 32_000 ? 1152 : 576;
  // 16 frames of overlap on each side: JOIN_SPAN for the choice of the join, the rest for the encoders to settle.
  return { unit, units: Math.round(2 ** 20 / unit), preRoll: JOIN_SPAN + 6, postRoll: JOIN_SPAN + 6 };
}

/** FLAC as encodeFlacStream writes it, its segments encoded on `threads`. */
export async function encodeFlacParallel(
  stream: AudioStream,
  bits: 16 | 24,
  sink: OutputSink,
  threads: EncodeThreads,
  onProgress?: EncodeProgress,
  plan = FLAC_PLAN,
): Promise<void> {
  const joiner = new FlacJoiner(sink, stream.length);
  await encodeSegments(
    stream,
    plan,
    threads,
    (_, channels) => ({ codec: "flac", channels, sampleRate: stream.sampleRate, bits }),
    (_, result) => joiner.add(result as FlacSegment),
    onProgress,
  );
  await joiner.finish();
}

/** MP3 as encodeMp3Stream writes it (resampled the same way), its segments encoded on `threads`. */
export async function encodeMp3Parallel(
  input: AudioStream,
  sink: OutputSink,
  setting: Mp3Setting,
  threads: EncodeThreads,
  onProgress?: EncodeProgress,
  units?: number,
): Promise<{ bumped: number; joinShifts: number[] }> {
  if (input.channelCount < 1 || input.channelCount > 2) {
    throw new RangeError(`MP3 carries 1 or 2 channels, not ${input.channelCount}`);
  }
  const stream = await resampledStream(input, mp3SampleRate(input.sampleRate));
  const plan = { ...mp3Plan(stream.sampleRate), ...(units && { units }) };
  const joiner = new Mp3Joiner(sink, "vbrQuality" in setting, plan.unit);
  await encodeSegments(
    stream,
    plan,
    threads,
    (_, channels) => ({ codec: "mp3", channels, sampleRate: stream.sampleRate, setting }),
    (segment, result) => joiner.add(segment, result as Mp3Frames),
    onProgress,
  );
  await joiner.finish(stream.length);
  return { bumped: joiner.bumped, joinShifts: joiner.joinShifts };
}

/** Opus packets of 20 ms; half a second of pre-roll for the encoder to converge (it needs about 80 ms). */
export const OPUS_PLAN: SegmentPlan = {
  unit: OPUS_FRAME,
  units: Math.round(2 ** 20 / OPUS_FRAME),
  preRoll: 25,
  postRoll: 3,
};

/** Ogg Opus as encodeOggOpusStream writes it (resampled the same way), its segments encoded on `threads`. */
export async function encodeOpusParallel(
  input: AudioStream,
  sink: OutputSink,
  bitrate: number,
  threads: EncodeThreads,
  onProgress?: EncodeProgress,
  plan = OPUS_PLAN,
): Promise<void> {
  if (input.channelCount < 1 || input.channelCount > 2) {
    throw new RangeError(`Opus (mapping family 0) carries 1 or 2 channels, not ${input.channelCount}`);
  }
  const stream = await resampledStream(input, OPUS_RATE);
  const joiner = new OpusJoiner(sink, input.channelCount, input.sampleRate, stream.length);
  await encodeSegments(
    stream,
    plan,
    threads,
    (segment, channels) => ({ codec: "opus", channels, bitrate, flush: segment.last }),
    (segment, result) => joiner.add(segment, result as OpusSegment),
    onProgress,
  );
  await joiner.finish();
}

/**
 * Vorbis segments start on a grid of 2,048 samples (a whole number of half short blocks, and of the 64-sample steps
 * libvorbis's transient search takes, at every rate), with 1.5 s of pre-roll (at 44.1 kHz) for the two encoders'
 * blocks to fall into step (vorbis-join.ts) and 0.6 s of post-roll for the join to be made in.
 */
export const VORBIS_PLAN: SegmentPlan = { unit: 2048, units: 512, preRoll: 32, postRoll: 12 };

/** Ogg Vorbis as encodeOggVorbisStream writes it (VBR `quality`), its segments encoded on `threads`. */
export async function encodeVorbisParallel(
  stream: AudioStream,
  sink: OutputSink,
  quality: number,
  threads: EncodeThreads,
  onProgress?: EncodeProgress,
  plan = VORBIS_PLAN,
): Promise<VorbisJoinCounts> {
  if (stream.channelCount < 1 || stream.channelCount > 2) {
    throw new RangeError(`this Vorbis encoder takes 1 or 2 channels, not ${stream.channelCount}`);
  }
  const job = (channels: Float32Array[]) =>
    ({ codec: "vorbis", channels, sampleRate: stream.sampleRate, quality }) as const;
  const joiner = new VorbisJoiner(sink, stream.length, plan, async (from, to) => {
    return (await threads.run(job(segmentSamples(stream, { from, to })))) as VorbisSegment;
  });
  await encodeSegments(
    stream,
    plan,
    threads,
    (_, channels) => job(channels),
    (segment, result) => joiner.add(segment, result as VorbisSegment),
    onProgress,
    (segment) => joiner.place(segment),
  );
  await joiner.finish();
  return joiner.counts;
}

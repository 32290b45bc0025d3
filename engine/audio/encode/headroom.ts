import { peak } from "../levels.ts";
import type { PcmAudio } from "../pcm.ts";
import { STREAM_WINDOW_FRAMES, type AudioStream } from "../stream.ts";

/**
 * The sample peak a lossy encoder is given at most when the input peaks lower: -1 dBFS. libvorbis and libopus
 * reconstruct a loud master's peaks (a limiter's flat tops, inter-sample peaks) up to about 1 dB above its samples; a
 * song that already peaks higher than this carries those overs itself (its own lossy decode has them), and its result
 * keeps the song's level (docs/output-formats.md, "No samples beyond full scale").
 */
export const LOSSY_PEAK_DBFS = -1;

/** The largest sample magnitude of the stream, every channel, read window by window. */
function streamPeak(stream: AudioStream): number {
  let highest = 0;
  for (let start = 0; start < stream.length; start += STREAM_WINDOW_FRAMES)
    for (const channel of stream.read(start, Math.min(stream.length, start + STREAM_WINDOW_FRAMES)))
      highest = Math.max(highest, peak(channel));
  return highest;
}

/** The largest sample magnitude of the decoded input, every channel. */
export const audioPeak = (audio: PcmAudio): number => Math.max(0, ...audio.channels.map((channel) => peak(channel)));

/** A lossy encode's stream, its gain (dB, 0 or below), and the peak it is held to, in words. */
export interface LossyHeadroom {
  readonly stream: AudioStream;
  readonly gainDb: number;
  readonly to: "the song" | `${number} dBFS`;
}

/**
 * The stream a lossy encoder is given: the result itself when its peak is at most the larger of -1 dBFS and the
 * input's own peak (`inputPeak`, as decoded), else the result lowered as a whole by just enough to bring it there.
 * A result whose peaks are the song's own (its first part is the decoded input) keeps the song's level; one that would
 * peak higher than the song (and than -1 dBFS) comes down to it; quiet songs keep their level.
 * Lossless formats never pass through here: their original part stays sample-identical.
 */
export function withLossyHeadroom(stream: AudioStream, inputPeak = 0): LossyHeadroom {
  const highest = streamPeak(stream);
  const floor = 10 ** (LOSSY_PEAK_DBFS / 20);
  const ceiling = Math.max(floor, inputPeak);
  const to = inputPeak > floor ? "the song" : `${LOSSY_PEAK_DBFS} dBFS`;
  if (highest <= ceiling) return { stream, gainDb: 0, to };
  const gain = ceiling / highest;
  const lowered: AudioStream = {
    sampleRate: stream.sampleRate,
    channelCount: stream.channelCount,
    length: stream.length,
    read: (from, to) => stream.read(from, to).map((channel) => channel.map((s) => s * gain)),
  };
  return { stream: lowered, gainDb: 20 * Math.log10(gain), to };
}

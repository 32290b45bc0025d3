import { STREAM_WINDOW_FRAMES, type AudioStream } from "../stream.ts";

/**
 * The sample peak a lossy encoder is given at most: -1 dBFS. libvorbis and libopus reconstruct a loud master's
 * peaks (a limiter's flat tops, inter-sample peaks) up to about 1 dB above its samples: a result re-encoded at full
 * level decoded to 4x the input's samples beyond full scale (tests/engine/audio/encode-quality.test.ts); at -1 dBFS
 * none were added.
 */
export const LOSSY_PEAK_DBFS = -1;

/** The largest sample magnitude of the stream, every channel, read window by window. */
function streamPeak(stream: AudioStream): number {
  let highest = 0;
  for (let start = 0; start < stream.length; start += STREAM_WINDOW_FRAMES)
    for (const channel of stream.read(start, Math.min(stream.length, start + STREAM_WINDOW_FRAMES)))
      for (const s of channel) highest = Math.max(highest, Math.abs(s));
  return highest;
}

/**
 * The stream a lossy encoder is given: the result itself when its peak is at most -1 dBFS, else the result lowered by
 * just enough to bring it there, window by window (headroom only where it is needed: quiet songs keep their level).
 * Lossless formats never pass through here: their original part stays sample-identical.
 */
export function withLossyHeadroom(stream: AudioStream): { stream: AudioStream; gainDb: number } {
  const highest = streamPeak(stream);
  const ceiling = 10 ** (LOSSY_PEAK_DBFS / 20);
  if (highest <= ceiling) return { stream, gainDb: 0 };
  const gain = ceiling / highest;
  const lowered: AudioStream = {
    sampleRate: stream.sampleRate,
    channelCount: stream.channelCount,
    length: stream.length,
    read: (from, to) => stream.read(from, to).map((channel) => channel.map((s) => s * gain)),
  };
  return { stream: lowered, gainDb: 20 * Math.log10(gain) };
}

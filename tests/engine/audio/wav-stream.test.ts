import { describe, expect, it } from "vitest";
import { encodeStream } from "../../../engine/audio/encode/index.ts";
import { MemorySink, type OutputSink } from "../../../engine/audio/encode/sink.ts";
import { encodeWav } from "../../../engine/audio/encode-wav.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { type AudioStream, streamOf } from "../../../engine/audio/stream.ts";
import { mulberry32 } from "../../../engine/random.ts";

/** 15 s of stereo noise with overs (samples past ±1, which the integer depths clamp): 2.5 of the writer's blocks. */
function noise(): PcmAudio {
  const random = mulberry32(8);
  const frames = 655_360 + 1_234;
  return {
    sampleRate: 44_100,
    channels: [0, 1].map(() => Float32Array.from({ length: frames }, () => (random() * 2 - 1) * 1.05)),
  };
}

async function wavOf(stream: AudioStream, format: "wav16" | "wav24" | "wav32f", threads: number) {
  const sink = new MemorySink();
  await encodeStream(stream, format, sink, { threads });
  return sink.bytes();
}

/** A stream computed window by window that renders into the reader's room, as the remix timeline does. */
function renderedInto(audio: PcmAudio): AudioStream {
  return {
    ...streamOf(audio),
    read: (from, to, into) =>
      audio.channels.map((channel, c) => {
        const out = into?.[c]?.subarray(0, to - from) ?? new Float32Array(to - from);
        out.set(channel.subarray(from, to));
        return out;
      }),
  };
}

describe("a long WAV packed in a second thread", () => {
  it("has the one-piece encoder's bytes at every depth, from views of the audio or from a room of its own", async () => {
    const audio = noise();
    const before = audio.channels.map((channel) => channel.slice());
    for (const [format, depth] of [
      ["wav16", 16],
      ["wav24", 24],
      ["wav32f", "32f"],
    ] as const) {
      const expected = encodeWav(audio, depth);
      expect(Buffer.from(await wavOf(streamOf(audio), format, 2)).equals(expected)).toBe(true);
      expect(Buffer.from(await wavOf(renderedInto(audio), format, 2)).equals(expected)).toBe(true);
      expect(Buffer.from(await wavOf(streamOf(audio), format, 1)).equals(expected)).toBe(true);
    }
    // The audio the stream gave views of was copied into the rooms sent away, never moved itself.
    for (const [c, channel] of audio.channels.entries())
      expect(Buffer.from(channel.buffer).equals(Buffer.from(before[c]!.buffer))).toBe(true);
  });

  it("reports a failed write, the header's or a block's", async () => {
    for (const failing of [1, 3]) {
      let writes = 0;
      const sink: OutputSink = {
        write: async () => {
          if (++writes === failing) throw new Error(`disk full at write ${failing}`);
        },
        patch: async () => undefined,
      };
      await expect(encodeStream(streamOf(noise()), "wav16", sink, { threads: 2 })).rejects.toThrow(
        `disk full at write ${failing}`,
      );
    }
  });
});

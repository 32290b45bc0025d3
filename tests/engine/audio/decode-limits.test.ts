import { describe, expect, it } from "vitest";
import { decodeAudio } from "../../../engine/audio/decode.ts";
import { HarmonizerInputError } from "../../../engine/errors.ts";
import { flacDeclaring, mp3WithLyingInfoHeader } from "../../support/hostile-audio.ts";
import { songWav } from "../../support/wav.ts";

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof HarmonizerInputError ? error : undefined),
  );
/** The seconds at which the decoder says it stopped ("longer than 11.1 s (decoding stopped there)"). */
const stoppedAt = (message: string | undefined) => Number(/longer than ([\d.]+) s/.exec(message ?? "")?.[1]);

describe("decoding stops at the input limit plus 1 s (decompression bombs)", () => {
  it("refuses a 200 s MP3 whose Info header claims 2 s as TOO_LONG, having decoded no more than about 11 s", async () => {
    const bomb = mp3WithLyingInfoHeader(100);
    const error = await refusal(decodeAudio(bomb, { maxSeconds: 10 }));
    expect(error?.code).toBe("TOO_LONG");
    expect(error?.message).toMatch(/at most 10\.0 s is accepted/);
    expect(stoppedAt(error?.message)).toBeGreaterThanOrEqual(11);
    expect(stoppedAt(error?.message)).toBeLessThan(13);
  });

  it("still decodes the whole of a file within the limit", async () => {
    const decoded = await decodeAudio(mp3WithLyingInfoHeader(5), { maxSeconds: 60 });
    expect(decoded.channels[0]!.length / decoded.sampleRate).toBeGreaterThan(9.5);
  });

  it("decodes a 60 s MP3 into one buffer sized from its frames: no growth, no room to spare past 4 frames", async () => {
    const decoded = await decodeAudio(mp3WithLyingInfoHeader(30), { maxSeconds: 600 });
    const samples = decoded.channels[0]!.length;
    expect(samples / decoded.sampleRate).toBeGreaterThan(59);
    // The samples are a view of the buffer the decoder filled; growing by half as it fills left up to a third unused.
    const capacity = decoded.channels[0]!.buffer.byteLength / Float32Array.BYTES_PER_ELEMENT;
    expect(capacity).toBeGreaterThanOrEqual(samples);
    // Left over: the Info frame and the encoder delay and padding the decoder drops, well under 4 frames.
    expect(capacity - samples).toBeLessThanOrEqual(4 * 1152);
  });

  it("refuses a FLAC holding more samples than its STREAMINFO declares", async () => {
    const error = await refusal(decodeAudio(flacDeclaring(44_100)));
    expect(error?.code).toBe("CORRUPT_AUDIO");
    expect(error?.message).toMatch(/more than the 44100 samples per channel its header declares/);
  });

  it("stops a FLAC of unknown length at the limit plus 1 s", async () => {
    const error = await refusal(decodeAudio(flacDeclaring(0), { maxSeconds: 0.25 }));
    expect(error?.code).toBe("TOO_LONG");
    expect(stoppedAt(error?.message)).toBeLessThan(2); // the file is 2 s long: it was not decoded to its end
  });

  it("refuses a WAV over the limit before converting its samples", async () => {
    const error = await refusal(decodeAudio(songWav(25, 8_000, 1), { maxSeconds: 20 }));
    expect(error?.code).toBe("TOO_LONG");
    expect(error?.message).toMatch(/at most 20\.0 s/);
  });
});

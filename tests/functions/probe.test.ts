import { describe, expect, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { probeAudio } from "../../functions/validator/probe.ts";
import { encodeTestWav } from "../support/wav.ts";

const wav = (seconds: number, sampleRate: number, channelCount: number) =>
  encodeTestWav({
    sampleRate,
    channels: Array.from({ length: channelCount }, () =>
      Float32Array.from({ length: seconds * sampleRate }, (_, i) => 0.2 * Math.sin(i / 9)),
    ),
  });

describe("probeAudio (the validator reads only the start of an upload)", () => {
  it("takes a WAV's duration from its header, not from the bytes it was given", async () => {
    const bytes = wav(30, 8_000, 2);
    const probe = await probeAudio(bytes.subarray(0, 16 * 1024), bytes.length);
    expect(probe).toEqual({ container: "WAVE", codec: "PCM", seconds: 30, sampleRate: 8_000, channels: 2 });
  });

  it("calls anything else not audio, listing what is supported", async () => {
    const text = new TextEncoder().encode("Dear diary, today I uploaded a text file.\n".repeat(50));
    const error = await probeAudio(text, text.length).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarmonizerInputError);
    expect((error as HarmonizerInputError).code).toBe("NOT_AUDIO");
    expect((error as HarmonizerInputError).message).toMatch(/WAV, MP3, Ogg Vorbis, Ogg Opus or FLAC/);
  });
});

import type { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { inspectUpload, type StoredObject } from "../../functions/validator/probe.ts";
import { checkAudio } from "../../functions/validator/validation.ts";
import { DEFAULT_LIMITS } from "../../engine/limits.ts";
import { mp3HeaderThenGarbage, mp3WithLargeTag, mp3WithLyingInfoHeader } from "../support/hostile-audio.ts";
import { encodeAudio } from "../../engine/audio/encode/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import { constantFlac } from "../support/constant-flac.ts";
import { encodeTestWav, songWav } from "../support/wav.ts";

/** Serves ranged GetObject calls from `bytes`, as S3 would (the validator never reads more than it asks for). */
function bucketHolding(bytes: Uint8Array): S3Client {
  return {
    send: async (command: GetObjectCommand) => {
      const [first, last] = (command.input.Range ?? "").replace("bytes=", "").split("-").map(Number);
      const slice = bytes.subarray(first, (last ?? bytes.length - 1) + 1);
      return { Body: { transformToByteArray: async () => slice } };
    },
  } as unknown as S3Client;
}
const stored = (bytes: Uint8Array): StoredObject => ({
  key: "upload",
  contentLength: bytes.length,
  eTag: "e",
  metadata: {},
});
const MB = 1024 * 1024;

/** What the validator decides: the accepted input, or the refusal's code and message. */
async function validate(bytes: Uint8Array) {
  try {
    const probe = await inspectUpload(bucketHolding(bytes), "uploads", stored(bytes), MB);
    return checkAudio(probe, DEFAULT_LIMITS);
  } catch (error) {
    if (error instanceof HarmonizerInputError) return { code: error.code, message: error.message };
    throw error;
  }
}

describe("the validator does not trust an upload's own header (issue 10, points 1 and 7)", () => {
  it("point 1: refuses an MP3 whose Info header claims 30 s while its size holds far more", async () => {
    const bomb = mp3WithLyingInfoHeader(300, 30); // 600 s of frames
    expect(await validate(bomb)).toMatchObject({
      code: "CORRUPT_AUDIO",
      message: expect.stringMatching(/claims 30 s, but .* hold at least/),
    });
  });

  it("point 7: refuses an MP3 header followed by garbage, as the worker's decoder would", async () => {
    expect(await validate(mp3HeaderThenGarbage(MB, 30))).toMatchObject({ code: "CORRUPT_AUDIO" });
  });

  it("point 7: accepts a 30 s MP3 behind a 2.4 MB ID3v2 tag (a cover image longer than the 1 MB probe)", async () => {
    expect(await validate(mp3WithLargeTag(2_400_000, 30))).toMatchObject({
      format: "mp3",
      seconds: expect.closeTo(30, 0),
    });
  });

  it("point 7: refuses a WAV whose header declares 60 s but which holds 25 s", async () => {
    const wav = songWav(60, 8_000, 1);
    const cut = wav.subarray(0, 44 + 25 * 8_000 * 2);
    expect(await validate(cut)).toMatchObject({
      code: "CORRUPT_AUDIO",
      message: expect.stringMatching(/declares 960000 bytes but the file holds only 400000/),
    });
  });
});

describe("issue 20: Ogg durations of every size, and the work a file asks for bounded as the decoder bounds it", () => {
  const song60 = synthesizeSong({ seconds: 60, sampleRate: 48_000, channels: 1, seed: 3 });

  it.each(["ogg-opus", "ogg-vorbis"] as const)(
    "reads a 60 s %s under the 1 MB probe from its last page",
    async (format) => {
      const bytes = await encodeAudio(song60, format);
      expect(bytes.length).toBeLessThan(MB);
      expect(await validate(bytes)).toMatchObject({ format, seconds: expect.closeTo(60, 1) });
    },
    60_000,
  );

  it.each([1, 8])("refuses a WAV at %i Hz, naming the accepted rates", async (rate) => {
    const wav = encodeTestWav({ sampleRate: rate, channels: [new Float32Array(30 * rate).fill(0.25)] });
    expect(await validate(wav)).toEqual({
      code: "UNSUPPORTED_CODEC",
      message: `the sample rate is ${rate} Hz; from 8000 to 192000 Hz is accepted`,
    });
  });

  it("refuses the 1.6 MB FLAC of 8 channels x 640 kHz x 1190 s that crashed the workers", async () => {
    const flac = constantFlac({ sampleRate: 640_000, channels: 8, seconds: 1190 });
    expect(await validate(flac)).toMatchObject({
      code: "UNSUPPORTED_CODEC",
      message: expect.stringMatching(/640000 Hz/),
    });
  });

  it("refuses 1190 s at 192 kHz x 8 channels by the decoder's sample budget", async () => {
    const flac = constantFlac({ sampleRate: 192_000, channels: 8, seconds: 1190 });
    expect(await validate(flac)).toEqual({
      code: "TOO_LARGE",
      message:
        "the audio holds more than 1827.8 million samples (seconds x sample rate x channels); at most 461.2 million are accepted",
    });
  });
});

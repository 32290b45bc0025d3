import type { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { inspectUpload, type StoredObject } from "../../functions/validator/probe.ts";
import { checkAudio } from "../../functions/validator/validation.ts";
import { DEFAULT_LIMITS } from "../../engine/limits.ts";
import { mp3HeaderThenGarbage, mp3WithLargeTag, mp3WithLyingInfoHeader } from "../support/hostile-audio.ts";
import { songWav } from "../support/wav.ts";

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

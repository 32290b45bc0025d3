import { describe, expect, it } from "vitest";
import { decodeAudio } from "../../../engine/audio/decode.ts";
import { HarmonizerInputError } from "../../../engine/errors.ts";
import { decodedSampleBudget, DEFAULT_LIMITS } from "../../../engine/limits.ts";
import { constantFlac } from "../../support/constant-flac.ts";
import { encodeTestWav } from "../../support/wav.ts";

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof HarmonizerInputError ? error : undefined),
  );

const toneWav = (seconds: number, sampleRate: number, channelCount: number) =>
  encodeTestWav({
    sampleRate,
    channels: Array.from({ length: channelCount }, () =>
      Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => 0.3 * Math.sin(i / 3)),
    ),
  });

// Issue 20 point 2: rates, channels and decoded samples are bounded in the decoder the CLI and the worker share.
describe("the decoder bounds the work a file can ask for", () => {
  it.each([1, 8])("refuses a WAV at %i Hz, naming the accepted rates", async (rate) => {
    const error = await refusal(decodeAudio(toneWav(25, rate, 1)));
    expect(error?.code).toBe("UNSUPPORTED_CODEC");
    expect(error?.message).toBe(`the sample rate is ${rate} Hz; from 8000 to 192000 Hz is accepted`);
  });

  it("refuses a WAV with 9 channels, naming the limit", async () => {
    const error = await refusal(decodeAudio(toneWav(21, 8_000, 9)));
    expect(error?.message).toBe("the file has 9 channels; from 1 to 8 are accepted");
  });

  it("refuses issue 20's 1.6 MB FLAC (8 channels x 640 kHz x 1190 s) before keeping a sample", async () => {
    const flac = constantFlac({ sampleRate: 640_000, channels: 8, seconds: 1190 });
    expect(flac.length).toBeLessThan(2 * 1024 * 1024);
    const error = await refusal(decodeAudio(flac, { maxSeconds: DEFAULT_LIMITS.maxInputSeconds }));
    expect(error?.code).toBe("UNSUPPORTED_CODEC");
    expect(error?.message).toMatch(/640000 Hz; from 8000 to 192000 Hz/);
  });

  it("stops a 192 kHz 8-channel FLAC of unknown length at the sample budget, before the seconds cap", async () => {
    const flac = constantFlac({ sampleRate: 192_000, channels: 8, seconds: 40, declaredFrames: 0 });
    const error = await refusal(decodeAudio(flac, { maxSeconds: 20 }));
    // 21 s x 48 kHz x 8 channels = 8.06 million samples: 5.25 s at 192 kHz x 8, long before 21 s.
    expect(error?.code).toBe("TOO_LARGE");
    expect(error?.message).toMatch(
      /more than [\d.]+ million samples \(seconds x sample rate x channels\); at most 8\.1 million are accepted/,
    );
    expect(decodedSampleBudget({ maxInputSeconds: 20 })).toBe(21 * 48_000 * 8);
  });

  it("still decodes a FLAC at the edges of the ranges (8 kHz, 192 kHz x 8 within the budget)", async () => {
    const low = await decodeAudio(constantFlac({ sampleRate: 8_000, channels: 2, seconds: 21 }));
    expect(low.channels[0]!.length).toBe(21 * 8_000);
    const wide = await decodeAudio(constantFlac({ sampleRate: 192_000, channels: 8, seconds: 3 }), { maxSeconds: 20 });
    expect(wide.channels).toHaveLength(8);
    expect(wide.channels[7]!.length).toBe(3 * 192_000);
    expect(wide.channels[7]![100]).toBe(0.25);
  });
});

import { checkOutputFormat } from "../../functions/validator/validation.ts";
import { checkTarget } from "../../engine/extend/extend.ts";
import { describe, expect, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { DEFAULT_LIMITS } from "../../engine/limits.ts";
import {
  audioFormatOf,
  checkAudio,
  checkUploadSize,
  resolveForm,
  resolveTargetSeconds,
} from "../../functions/validator/validation.ts";

const limits = { ...DEFAULT_LIMITS, maxTargetSeconds: 600, maxInputSeconds: 300 };

function inputError(run: () => unknown): HarmonizerInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof HarmonizerInputError) return error;
    throw error;
  }
  throw new Error("expected a HarmonizerInputError");
}

describe("resolveTargetSeconds", () => {
  it("takes the target-seconds metadata, else the default", () => {
    expect(resolveTargetSeconds("40", 25, 180, limits)).toBe(40);
    expect(resolveTargetSeconds(" 90.5 ", 25, 180, limits)).toBe(90.5);
    expect(resolveTargetSeconds(undefined, 25, 180, limits)).toBe(180);
    expect(resolveTargetSeconds("", 25, 180, limits)).toBe(180);
  });

  it("rejects a target that is not a number, shorter than the song, or over the limit, naming the limit", () => {
    expect(inputError(() => resolveTargetSeconds("three minutes", 25, 180, limits)).message).toMatch(
      /not a number.*at most 600/,
    );
    const tooShort = inputError(() => resolveTargetSeconds("20", 25, 180, limits));
    expect(tooShort.code).toBe("INVALID_TARGET");
    expect(tooShort.message).toMatch(/shorter than the song \(25 s\)/);
    expect(inputError(() => resolveTargetSeconds("601", 25, 180, limits)).message).toMatch(/at most 600 s/);
    expect(inputError(() => resolveTargetSeconds("Infinity", 25, 180, limits)).code).toBe("INVALID_TARGET");
  });

  it("applies the engine's one target rule: a target equal to the song is what the engine accepts too", () => {
    const song = { sampleRate: 8_000, channels: [new Float32Array(25 * 8_000)] };
    for (const target of [20, 25, 30, 601]) {
      const validator = (() => {
        try {
          resolveTargetSeconds(String(target), 25, 180, limits);
          return "ok";
        } catch (e) {
          return (e as Error).name;
        }
      })();
      const engine = (() => {
        try {
          checkTarget(song, target, limits);
          return "ok";
        } catch (e) {
          return (e as Error).name;
        }
      })();
      expect(validator, `target ${target} s`).toBe(engine);
    }
  });
});

describe("resolveForm", () => {
  it("takes the form metadata (song, continue, auto), else auto", () => {
    expect(resolveForm("song")).toBe("song");
    expect(resolveForm(" Continue ")).toBe("continue");
    expect(resolveForm("auto")).toBe("auto");
    expect(resolveForm(undefined)).toBe("auto");
    expect(resolveForm("")).toBe("auto");
  });

  it("rejects any other form, naming the allowed ones", () => {
    const error = inputError(() => resolveForm("sonata"));
    expect(error.code).toBe("INVALID_TARGET");
    expect(error.message).toBe(
      'form "sonata" is not a form this service knows; give one of auto, song, continue, or leave it out for auto',
    );
  });
});

describe("checkAudio", () => {
  const wav = { container: "WAVE", codec: "PCM", seconds: 25, sampleRate: 44_100, channels: 2 };

  it("accepts the supported formats", () => {
    expect(checkAudio(wav, limits)).toEqual({ format: "wav", seconds: 25, sampleRate: 44_100, channels: 2 });
    expect(audioFormatOf({ container: "MPEG", codec: "MPEG 1 Layer 3" })).toBe("mp3");
    expect(audioFormatOf({ container: "Ogg", codec: "Vorbis I" })).toBe("ogg-vorbis");
    expect(audioFormatOf({ container: "Ogg", codec: "Opus" })).toBe("ogg-opus");
    expect(audioFormatOf({ container: "FLAC", codec: "FLAC" })).toBe("flac");
  });

  it("rejects other codecs, naming what was found and what is supported", () => {
    const error = inputError(() => checkAudio({ ...wav, container: "M4A/mp42", codec: "MPEG-4/AAC" }, limits));
    expect(error.code).toBe("UNSUPPORTED_CODEC");
    expect(error.message).toMatch(/M4A\/mp42 \/ MPEG-4\/AAC; supported are WAV/);
  });

  it("rejects songs shorter than 20 s or longer than the limit", () => {
    expect(inputError(() => checkAudio({ ...wav, seconds: 12.34 }, limits)).message).toBe(
      "the song is 12.3 s long; at least 20 s is needed",
    );
    expect(inputError(() => checkAudio({ ...wav, seconds: 301 }, limits)).message).toMatch(/at most 300 s/);
    expect(inputError(() => checkAudio({ ...wav, seconds: undefined }, limits)).code).toBe("CORRUPT_AUDIO");
  });

  it("rejects empty and oversized uploads before reading them", () => {
    expect(inputError(() => checkUploadSize(0, limits)).code).toBe("NOT_AUDIO");
    expect(inputError(() => checkUploadSize(limits.maxUploadBytes + 1, limits)).message).toMatch(/at most 200 MB/);
    expect(() => checkUploadSize(limits.maxUploadBytes, limits)).not.toThrow();
  });
});

describe("the format metadata", () => {
  it("takes the known result formats (any case), or none", () => {
    for (const name of [undefined, "", "mp3", "FLAC", "opus", "wav24"])
      expect(() => checkOutputFormat(name)).not.toThrow();
  });

  it("refuses an unknown format at upload, naming the choices", () => {
    expect(() => checkOutputFormat("aac")).toThrow(/unknown output format "aac": use .*mp3.*opus/);
  });
});

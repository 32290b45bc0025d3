import { checkOutputFormat } from "../../functions/validator/validation.ts";
import { checkTarget } from "../../engine/extend/extend.ts";
import { describe, expect, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { DEFAULT_LIMITS } from "../../engine/limits.ts";
import type { TargetLength } from "../../engine/target-length.ts";
import {
  audioFormatOf,
  checkAudio,
  checkUploadSize,
  resolveForm,
  resolveTarget,
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

describe("resolveTarget", () => {
  const twice = { times: 2 };
  const target = (metadata: string | undefined, key = "song.mp3", song = 25, fallback: TargetLength = twice) =>
    resolveTarget({ metadata, key }, song, fallback, limits);

  it("takes the target-seconds metadata in any --to form, else the folder, else the default", () => {
    expect(target("40")).toEqual({ seconds: 40 });
    expect(target(" 90.5 ")).toEqual({ seconds: 90.5 });
    expect(target("1:30")).toEqual({ seconds: 90 });
    expect(target("x3")).toEqual({ seconds: 75, times: 3 });
    expect(target("5m", "10m/song.mp3")).toEqual({ seconds: 300 });
    expect(target(undefined, "10m/song.mp3")).toEqual({ seconds: 600 });
    expect(target(undefined, "alice/x1.5/song.mp3")).toEqual({ seconds: 37.5, times: 1.5 });
    expect(target(undefined, "song.mp3")).toEqual({ seconds: 50, times: 2 });
    expect(target("", "holiday/song.mp3")).toEqual({ seconds: 50, times: 2 });
    expect(target(undefined, "song.mp3", 25, { seconds: 180 })).toEqual({ seconds: 180 });
  });

  it("only the folder the file is in names a length; other folders are just folders", () => {
    expect(target(undefined, "10m/holiday/song.mp3")).toEqual({ seconds: 50, times: 2 });
    expect(target(undefined, "10m.mp3")).toEqual({ seconds: 50, times: 2 });
  });

  it("caps the default multiple at the target limit, so a plain drop of a long song is extended, not refused", () => {
    // 300 s (the input limit here) x2 = 600 s, exactly the limit; a 4-minute song x3 would be 720 s.
    expect(target(undefined, "song.mp3", 300)).toEqual({ seconds: 600, times: 2 });
    expect(target(undefined, "song.mp3", 240, { times: 3 })).toEqual({ seconds: 600 });
  });

  it("raises a default multiple below one to the shortest result, so a plain drop of a short song is not refused", () => {
    // -c defaultTarget=x0.5: a 30 s song would get 15 s, under the 20 s every result needs.
    expect(target(undefined, "song.mp3", 30, { times: 0.5 })).toEqual({ seconds: 20 });
    expect(target(undefined, "song.mp3", 60, { times: 0.5 })).toEqual({ seconds: 30, times: 0.5 });
  });

  it("refuses a named target that is no length, below the shortest result or over the limit, naming where it came from", () => {
    expect(inputError(() => target("three minutes")).message).toMatch(
      /target-seconds "three minutes" is not a length; give one like 90, 1:30, .*x2/,
    );
    // A shorter target is accepted down to 20 s: the worker's engine refines the bound from the song's form.
    expect(target("20")).toEqual({ seconds: 20 });
    const tooShort = inputError(() => target("19.5"));
    expect(tooShort.code).toBe("INVALID_TARGET");
    expect(tooShort.message).toMatch(/target of 19\.5 s is too short; ask for at least 20 s/);
    expect(inputError(() => target("601")).message).toMatch(/at most 600 s/);
    // The README promises the email names where the length came from: the metadata too, not only a folder.
    expect(inputError(() => target("x30")).message).toMatch(
      /750 s is too long; at most 600 s is possible \(set by the target-seconds metadata "x30"\)/,
    );
    expect(inputError(() => target(undefined, "1h/song.mp3")).message).toMatch(
      /3600 s is too long; at most 600 s is possible \(set by the folder "1h\/"\)/,
    );
    expect(inputError(() => target(undefined, "x30/song.mp3")).message).toMatch(/set by the folder "x30\/"/);
    expect(inputError(() => target("Infinity")).code).toBe("INVALID_TARGET");
  });

  it("applies the engine's one target rule: a target equal to the song is what the engine accepts too", () => {
    const song = { sampleRate: 8_000, channels: [new Float32Array(25 * 8_000)] };
    for (const seconds of [19, 20, 25, 30, 601]) {
      const validator = (() => {
        try {
          target(String(seconds));
          return "ok";
        } catch (e) {
          return (e as Error).name;
        }
      })();
      const engine = (() => {
        try {
          checkTarget(song, seconds, limits);
          return "ok";
        } catch (e) {
          return (e as Error).name;
        }
      })();
      expect(validator, `target ${seconds} s`).toBe(engine);
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

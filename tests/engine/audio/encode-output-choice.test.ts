import { describe, expect, it } from "vitest";
import { resolveOutput } from "../../../engine/audio/encode/index.ts";
import { HarmonizerInputError } from "../../../engine/errors.ts";

const mp3In = { format: "mp3" as const };
const wav24In = { format: "wav" as const, bitDepth: 24 as const };
const flac16In = { format: "flac" as const, bitDepth: 16 as const };

describe("resolveOutput: which format -o and --format choose", () => {
  it.each([
    ["out.mp3", mp3In, "mp3"],
    ["out.MP3", wav24In, "mp3"],
    ["out.opus", mp3In, "ogg-opus"],
    ["out.ogg", mp3In, "ogg-vorbis"],
    ["out.oga", mp3In, "ogg-vorbis"],
    ["out.flac", mp3In, "flac"],
    ["out.wav", wav24In, "wav24"],
    ["out.wav", flac16In, "wav16"],
    ["out.wav", mp3In, "wav32f"],
  ] as const)("%s from a %o input is %s", (path, input, format) => {
    expect(resolveOutput(path, input)).toMatchObject({ format, path });
  });

  it("an -o without an extension gets the input's own format, its extension, and says so", () => {
    expect(resolveOutput("out/song-long", mp3In)).toEqual({
      format: "mp3",
      path: "out/song-long.mp3",
      reason: "the input's own format; -o had no extension",
    });
    expect(resolveOutput("x", { format: "ogg-opus" }).path).toBe("x.opus");
    expect(resolveOutput("x", wav24In).format).toBe("wav24");
  });

  it("--format wins over the extension", () => {
    expect(resolveOutput("out.wav", mp3In, "flac").format).toBe("flac");
    expect(resolveOutput("out", mp3In, "opus")).toMatchObject({ format: "ogg-opus", path: "out.opus" });
  });

  it("says when --format writes another format than -o's extension names (Ogg for Ogg is no mismatch)", () => {
    expect(resolveOutput("f2.wav", mp3In, "mp3").mismatch).toBe(
      "f2.wav will hold MP3 (--format mp3), although its extension is .wav",
    );
    expect(resolveOutput("f8.mp3", mp3In, "wav32f").mismatch).toMatch(/WAV 32-bit float .* extension is \.mp3/);
    for (const [path, format] of [
      ["a.ogg", "opus"],
      ["a.wav", "wav24"],
      ["a", "flac"],
      ["a.opus", "ogg"],
    ] as const)
      expect(resolveOutput(path, mp3In, format).mismatch).toBeUndefined();
  });

  it("an unknown extension or format name is a clear input error naming the choices", () => {
    const error = (() => {
      try {
        resolveOutput("out.aiff", mp3In);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(HarmonizerInputError);
    expect((error as Error).message).toMatch(/\.aiff.*\.wav, \.flac, \.mp3, \.ogg, \.oga or \.opus/);
    expect(() => resolveOutput("out.mp3", mp3In, "aac")).toThrow(/unknown output format "aac"/);
  });
});

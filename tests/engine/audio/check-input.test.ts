import { describe, expect, it } from "vitest";
import { checkInput, type PcmAudio } from "../../../engine/audio/index.ts";
import { HarmonizerInputError, type InputErrorCode } from "../../../engine/errors.ts";
import { DEFAULT_LIMITS } from "../../../engine/limits.ts";
import { sine } from "./signals.ts";

const RATE = 8000;

function tone(seconds: number, amplitude = 0.5, channels = 2): PcmAudio {
  return {
    sampleRate: RATE,
    channels: Array.from({ length: channels }, () => sine(440, RATE, seconds * RATE, amplitude)),
  };
}

function refusal(audio: PcmAudio, limits = DEFAULT_LIMITS): { code: InputErrorCode; message: string } {
  try {
    checkInput(audio, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(HarmonizerInputError);
    const { code, message } = error as HarmonizerInputError;
    return { code, message };
  }
  throw new Error("checkInput accepted the input");
}

describe("checkInput", () => {
  it("accepts 20 s or more of music within the default limits", () => {
    expect(() => checkInput(tone(20), DEFAULT_LIMITS)).not.toThrow();
    expect(() => checkInput(tone(45, 0.01, 1), DEFAULT_LIMITS)).not.toThrow();
  });

  it("refuses input under the minimum as TOO_SHORT, naming its length and the 20 s limit", () => {
    expect(refusal(tone(12.3))).toEqual({
      code: "TOO_SHORT",
      message: "input is 12.3 s long; at least 20.0 s is needed",
    });
  });

  it("refuses input over the maximum as TOO_LONG, naming its length and the limit", () => {
    const limits = { ...DEFAULT_LIMITS, minInputSeconds: 1, maxInputSeconds: 5 };
    expect(refusal(tone(6), limits)).toEqual({
      code: "TOO_LONG",
      message: "input is 6.0 s long; at most 5.0 s is accepted",
    });
  });

  it("states long durations in minutes too", () => {
    const limits = { ...DEFAULT_LIMITS, minInputSeconds: 1, maxInputSeconds: 120 };
    expect(refusal(tone(150, 0.5, 1), limits).message).toBe(
      "input is 150.0 s (2.5 min) long; at most 120.0 s (2.0 min) is accepted",
    );
  });

  it("refuses digital silence as SILENT, naming the level and the -60 dBFS threshold", () => {
    expect(refusal(tone(25, 0))).toEqual({
      code: "SILENT",
      message: "input is silent: its peak level is -inf dBFS (digital silence), below the -60 dBFS threshold",
    });
  });

  it("refuses a tone peaking at -66 dBFS as SILENT", () => {
    const { code, message } = refusal(tone(25, 10 ** (-66 / 20)));
    expect(code).toBe("SILENT");
    expect(message).toMatch(/peak level is -66\.0 dBFS, below the -60 dBFS threshold/);
  });

  it("refuses near-silence with a single click as SILENT by its RMS level", () => {
    const audio = tone(25, 0, 1);
    audio.channels[0]![1000] = 0.01; // peak -40 dBFS, RMS about -93 dBFS
    const { code, message } = refusal(audio);
    expect(code).toBe("SILENT");
    expect(message).toMatch(/RMS level is -\d+\.\d dBFS, below the -70 dBFS threshold/);
  });
});

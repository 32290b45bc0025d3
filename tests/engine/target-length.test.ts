import { describe, expect, it } from "vitest";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { lengthSeconds, parseLength, readLength } from "../../engine/target-length.ts";

describe("lengths as people write them", () => {
  it("reads seconds, clock times, units and multiples of the song", () => {
    const cases: [string, number | { times: number }][] = [
      ["90", 90],
      ["2.5", 2.5],
      ["1:30", 90],
      ["10:00", 600],
      ["1:00:00", 3600],
      ["1:02:03.5", 3723.5],
      ["90s", 90],
      ["10m", 600],
      ["10min", 600],
      ["1h", 3600],
      ["1h30m", 5400],
      ["1m30s", 90],
      [" 10M ", 600],
      ["x2", { times: 2 }],
      ["X1.5", { times: 1.5 }],
      ["2x", { times: 2 }],
    ];
    for (const [text, expected] of cases) {
      const length = readLength(text);
      expect(length, text).toEqual(typeof expected === "number" ? { seconds: expected } : expected);
    }
  });

  it("names no length for text that is none, a zero, or a clock field out of range", () => {
    for (const text of ["", "abc", "ten minutes", "0", "0s", "x0", "-5", "1:75", "1:60:00", "1::30", "1h-30m", "m"]) {
      expect(readLength(text), text).toBeUndefined();
    }
  });

  it("refuses with the accepted forms named", () => {
    expect(() => parseLength("ten minutes", "--to")).toThrow(HarmonizerInputError);
    expect(() => parseLength("ten minutes", "--to")).toThrow(
      '--to "ten minutes" is not a length; give one like 90, 1:30, 10:00, 1:00:00, 90s, 10m, 1h, 1h30m, or x2 (twice the song)',
    );
  });

  it("tells a zero length by the shortest target, not by the forms", () => {
    for (const text of ["0", "0s", "0:00", "x0", "0h0m"]) {
      expect(() => parseLength(text, "target-seconds"), text).toThrow(
        `target-seconds "${text}" is no time at all; ask for at least 20 s`,
      );
    }
  });

  it("works a multiple out from the song's length", () => {
    expect(lengthSeconds({ times: 2 }, 201.5)).toBe(403);
    expect(lengthSeconds({ seconds: 600 }, 201.5)).toBe(600);
    expect(lengthSeconds(90, 201.5)).toBe(90);
  });
});

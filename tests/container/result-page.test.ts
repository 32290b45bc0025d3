import { describe, expect, it } from "vitest";
import { pageKeys, pageReport, reportFormat } from "../../container/worker/result-page.ts";
import { resultKeys } from "#aws/shared/object-keys.ts";

describe("the worker's result page keys and report", () => {
  it("puts the page, the original's copy and the result in its own format beside the WAV", () => {
    const keys = resultKeys("job-1", "uploads/my song.mp3");
    expect(pageKeys(keys, "mp3", "mp3")).toEqual({
      page: "results/job-1/index.html",
      original: "results/job-1/original.mp3",
      result: "results/job-1/my song-extended.mp3",
    });
    expect(pageKeys(keys, "wav16", "ogg-opus")).toMatchObject({
      original: "results/job-1/original.opus",
      result: keys.wav,
    });
  });

  it("keeps the result's key within S3's 1,024 bytes when a WAV key that just fits gets a longer extension", () => {
    const wav = `results/job-1/${"x".repeat(1024 - "results/job-1/".length - ".wav".length)}.wav`;
    const keys = { ...resultKeys("job-1", "a.wav"), wav };
    expect(Buffer.byteLength(wav)).toBe(1024);
    expect(pageKeys(keys, "mp3", "wav").result).toBe(wav.replace(/\.wav$/, ".mp3")); // same length: kept
    expect(pageKeys(keys, "ogg-opus", "wav").result).toBe("results/job-1/extended.opus"); // 1,025 bytes: shortened
  });

  it("reads what the page needs from a stored report, with neutral values for what an older one lacks", () => {
    expect(reportFormat({ outputFormat: "ogg-opus" })).toBe("ogg-opus");
    expect(reportFormat({ outputFormat: "aiff" })).toBe("wav32f");
    expect(pageReport({ engine: "remix", output: { seconds: 60 } }, 25)).toEqual({
      engine: "remix",
      form: "continue",
      formReason: "form not recorded",
      introSeconds: 25,
      seams: [],
      outputFormat: "wav32f",
      input: { seconds: 25 },
      output: { seconds: 60 },
    });
  });
});

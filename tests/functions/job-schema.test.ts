import { describe, expect, it } from "vitest";
import { type JobMessage, jobIdFor, parseJobMessage } from "#aws/shared/job-schema.ts";
import { InvalidJobMessageError } from "#aws/shared/errors.ts";

const job: JobMessage = {
  version: 1,
  jobId: jobIdFor("uploads", "my song é.wav", "etag-1"),
  bucket: "uploads",
  key: "my song é.wav",
  etag: "etag-1",
  targetSeconds: 180,
  form: "continue",
  input: { format: "wav", seconds: 25, sampleRate: 44_100, channels: 2 },
  owner: "fan@example.com",
  submittedAt: "2026-11-28T12:00:00.000Z",
};

describe("job message schema v1", () => {
  it("round-trips a job through JSON", () => {
    expect(parseJobMessage(JSON.stringify(job))).toEqual(job);
  });

  it("carries the form; a message without one (queued before forms existed) means auto", () => {
    expect(parseJobMessage(JSON.stringify(job)).form).toBe("continue");
    expect(parseJobMessage(JSON.stringify({ ...job, form: undefined })).form).toBe("auto");
    expect(() => parseJobMessage(JSON.stringify({ ...job, form: "sonata" }))).toThrow(/form/);
  });

  it("gives the same job id for duplicate events and a new one for a new version", () => {
    expect(jobIdFor("uploads", "my song é.wav", "etag-1")).toBe(job.jobId);
    expect(jobIdFor("uploads", "my song é.wav", "etag-2")).not.toBe(job.jobId);
    expect(jobIdFor("other", "my song é.wav", "etag-1")).not.toBe(job.jobId);
  });

  it("rejects other versions, missing fields, unsupported formats and non-JSON, naming the field", () => {
    expect(() => parseJobMessage(JSON.stringify({ ...job, version: 2 }))).toThrow(/version/);
    expect(() => parseJobMessage(JSON.stringify({ ...job, targetSeconds: undefined }))).toThrow(/targetSeconds/);
    expect(() => parseJobMessage(JSON.stringify({ ...job, input: { ...job.input, format: "aac" } }))).toThrow(/format/);
    expect(() => parseJobMessage(JSON.stringify({ ...job, owner: "not an address" }))).toThrow(/owner/);
    expect(() => parseJobMessage("{oops")).toThrow(InvalidJobMessageError);
  });
});

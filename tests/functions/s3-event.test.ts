import { describe, expect, it } from "vitest";
import { decodeS3Key, isS3TestEvent, uploadedObjects } from "../../functions/validator/s3-event.ts";

const s3Record = (key: string, bucket = "uploads", eventName = "ObjectCreated:Put") => ({
  eventSource: "aws:s3",
  eventName,
  s3: { bucket: { name: bucket }, object: { key, size: 1234, eTag: "abc" } },
});

describe("decodeS3Key", () => {
  it("decodes real S3 event keys: '+' is a space, %XX is UTF-8", () => {
    expect(decodeS3Key("my+song+%C3%A9.wav")).toBe("my song é.wav");
    expect(decodeS3Key("music%2Fa%2Bb+%E2%99%AB.mp3")).toBe("music/a+b ♫.mp3");
    expect(decodeS3Key("%E6%AD%8C.flac")).toBe("歌.flac");
  });

  it("keeps raw keys as they are when they are not URL-encoded", () => {
    expect(decodeS3Key("music/my song é.wav")).toBe("music/my song é.wav");
    expect(decodeS3Key("100% loud.wav")).toBe("100% loud.wav");
  });
});

describe("uploadedObjects", () => {
  it("reads bucket, decoded key and size from an S3 event", () => {
    expect(uploadedObjects({ Records: [s3Record("my+song+%C3%A9.wav")] })).toEqual([
      {
        bucket: "uploads",
        key: "my song é.wav",
        rawKey: "my+song+%C3%A9.wav",
        size: 1234,
        eTag: "abc",
        versionId: undefined,
      },
    ]);
  });

  it("ignores the s3:TestEvent sent when notifications are configured", () => {
    const testEvent = { Service: "Amazon S3", Event: "s3:TestEvent", Time: "2026-01-01T00:00:00Z", Bucket: "uploads" };
    expect(isS3TestEvent(testEvent)).toBe(true);
    expect(uploadedObjects(testEvent)).toEqual([]);
  });

  it("ignores deletions and malformed records", () => {
    expect(
      uploadedObjects({ Records: [s3Record("a.wav", "uploads", "ObjectRemoved:Delete"), { foo: 1 }, null] }),
    ).toEqual([]);
    expect(uploadedObjects(undefined)).toEqual([]);
  });

  it("unwraps S3 events delivered through SQS", () => {
    const sqsEvent = {
      Records: [
        { eventSource: "aws:sqs", body: JSON.stringify({ Records: [s3Record("x+y.wav")] }) },
        { eventSource: "aws:sqs", body: JSON.stringify({ Event: "s3:TestEvent" }) },
      ],
    };
    expect(uploadedObjects(sqsEvent).map((u) => u.key)).toEqual(["x y.wav"]);
  });
});

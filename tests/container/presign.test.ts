import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { linkLifetime, MAX_PRESIGN_SECONDS, presignDownload } from "../../container/worker/presign.ts";

const now = new Date("2026-11-28T12:00:00Z");
const client = (expiration?: Date) =>
  new S3Client({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:1",
    forcePathStyle: true,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", ...(expiration ? { expiration } : {}) },
  });

describe("presigned result links", () => {
  it("live the asked days with long-lived keys, at most the 7 days SigV4 allows", async () => {
    expect(await linkLifetime(client(), 3, now)).toEqual({
      seconds: 3 * 86_400,
      expiresAt: new Date("2026-12-01T12:00:00Z"),
    });
    expect((await linkLifetime(client(), 30, now)).seconds).toBe(MAX_PRESIGN_SECONDS);
  });

  it("state the real, shorter expiry when signed with temporary credentials", async () => {
    const sessionEnd = new Date("2026-11-28T15:30:00Z");
    expect(await linkLifetime(client(sessionEnd), 7, now)).toEqual({ seconds: 3.5 * 3600, expiresAt: sessionEnd });
  });

  it("sign a GET for the key with that lifetime and a download file name", async () => {
    const lifetime = await linkLifetime(client(), 2, now);
    const link = await presignDownload(
      client(),
      "out",
      "results/j/my song é-extended.wav",
      "my song é-extended.wav",
      lifetime,
    );
    const url = new URL(link.url);
    expect(url.pathname).toBe("/out/results/j/my%20song%20%C3%A9-extended.wav");
    expect(url.searchParams.get("X-Amz-Expires")).toBe(String(2 * 86_400));
    expect(url.searchParams.get("response-content-disposition")).toBe(
      "attachment; filename*=UTF-8''my%20song%20%C3%A9-extended.wav",
    );
    expect(link.expiresAt).toEqual(lifetime.expiresAt);
  });
});

import { describe, expect, it } from "vitest";
import type { JobMessage } from "#aws/shared/job-schema.ts";
import {
  failureNotification,
  inputErrorNotification,
  resultNotification,
  silentFailureNotification,
} from "../../container/worker/job-notifications.ts";
import { snsSubject } from "#aws/shared/notifications.ts";

const job = (key: string): JobMessage => ({
  version: 1,
  jobId: "0".repeat(32),
  bucket: "uploads",
  key,
  etag: "e",
  targetSeconds: 40,
  form: "auto",
  input: { format: "wav", seconds: 25, sampleRate: 8_000, channels: 1 },
  submittedAt: new Date(0).toISOString(),
});
const link = (url: string) => ({ url, expiresAt: new Date(0) });
const links = {
  wav: link("https://ok.example/wav"),
  picture: link("https://ok.example/png"),
  report: link("https://ok.example/json"),
};
const summary = { outputSeconds: 40, engine: "remix", notes: [], usedModel: false };

describe("emails name the upload without letting its key forge lines (issue 10, point 10)", () => {
  const forged = "song\r\nDownload: https://evil.example/x.wav\n\u202Evaw.exe";

  it("has exactly one Download line, the real one, in a result email", () => {
    const text = resultNotification(job(forged), links, summary, false).text;
    expect(text.split("\n").filter((line) => line.startsWith("Download:"))).toEqual([
      "Download: https://ok.example/wav",
    ]);
    expect(text).toContain("song\\u{000D}\\u{000A}Download: https://evil.example/x.wav\\u{000A}\\u{202E}vaw.exe");
  });

  it("escapes the key and the reason in refusal and failure emails, and keeps subjects to one line", () => {
    for (const notification of [
      inputErrorNotification(job(forged), 'form "x\nDownload: y" is not a form'),
      failureNotification(job(forged), 3, "boom", "m-1"),
    ]) {
      expect(notification.text).not.toMatch(/\nDownload:/);
      expect(notification.text).not.toContain("\u202E");
      expect(snsSubject(notification.subject)).not.toMatch(/[\r\n]/);
    }
  });
});

describe("email subjects (SNS takes printable ASCII only)", () => {
  it("keeps accented letters' base and marks every other non-ASCII run, so a name in another script does not vanish", () => {
    expect(snsSubject("Extended: my song é.mp3")).toBe("Extended: my song e.mp3");
    // "Extended: .mp3" told a Japanese or Greek user nothing: which upload, and was its name lost?
    expect(snsSubject("Extended: 日本の歌.mp3")).toBe("Extended: ?.mp3");
    expect(snsSubject("Extended: my song é 日本 ü.mp3")).toBe("Extended: my song e ? u.mp3");
    expect(snsSubject(`Extended: ${"ж".repeat(200)}.wav`)).toBe("Extended: ?.wav");
  });
});

describe("failure emails", () => {
  it("name the stack output that holds the redrive command", () => {
    expect(failureNotification(job("a.wav"), 3, "boom", "m-1").text).toMatch(/stack output RedriveFailedJobs/);
    expect(silentFailureNotification(job("a.wav"), 3, "m-1").text).toMatch(/stack output RedriveFailedJobs/);
  });
});

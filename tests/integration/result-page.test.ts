import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { decodeAudio } from "../../engine/audio/index.ts";
import { encodeAudio } from "../../engine/audio/encode/index.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import type { AwsClients } from "#aws/shared/aws-clients.ts";
import { createTestPipeline, drainNotifications, listKeys, motoClients } from "../support/aws.ts";
import { runWorkerUntilQueueEmpty, testValidator, testWorkerDeps, uploadAndValidate } from "./harness.ts";

/** Debian's chromium (apt-get install chromium); without it (outside CI) the browser part is skipped. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = resolve(import.meta.dirname, "../../.work/result-page-cloud.png");

// An MP3 upload through the whole pipeline against moto: the result comes back as MP3, and the page the worker
// wrote, opened through the email's presigned link in a real browser, plays both songs and links what exists.
describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")(
  "the result page from the pipeline (moto, real engine, Chromium)",
  () => {
    let clients: AwsClients;
    beforeAll(() => {
      clients = motoClients(inject("motoEndpoint"));
    });

    it("an MP3 upload gives an MP3 result, and the emailed page plays, shows and links it", async () => {
      const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
      const song = await encodeAudio(synthesizeSong({ seconds: 25, sampleRate: 44_100, seed: 21 }), "mp3");
      const [accepted] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
        key: "uploads/my song.mp3",
        body: song,
        metadata: { "target-seconds": "40" },
      });
      expect(accepted?.status).toBe("accepted");
      expect(
        (await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, runExtensionJob), 120_000)).outcomes,
      ).toEqual(["completed"]);

      const keys = await listKeys(clients.s3, pipeline.outputBucket, "results/");
      expect(keys.filter((key) => key.endsWith("/my song-extended.mp3"))).toHaveLength(1);
      const [notice] = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
      const lines = notice!.Message.split("\n").filter((line) => /https?:\/\//.test(line));
      expect(lines[0]).toMatch(/^Listen and download: http/); // the page is the email's first link
      const pageUrl = lines[0]!.replace("Listen and download: ", "");
      const resultUrl = /^Result: (\S+)/m.exec(notice!.Message)?.[1] ?? "";
      const result = await decodeAudio(new Uint8Array(await (await fetch(resultUrl)).arrayBuffer()));
      expect([result.format, result.channels[0]!.length]).toEqual(["mp3", 40 * 44_100]);

      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--autoplay-policy=no-user-gesture-required", "--mute-audio"],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const response = await page.goto(pageUrl);
        expect(response?.headers()["content-type"]).toMatch(/^text\/html/);
        const durations: number[] = await page.evaluate(() => {
          const doc = (globalThis as unknown as { document: { getElementById(id: string): any } }).document;
          return Promise.all(
            ["original", "result"].map(
              (id) =>
                new Promise<number>((done, fail) => {
                  const audio = doc.getElementById(id);
                  if (audio.readyState >= 3) return done(audio.duration);
                  audio.addEventListener("canplay", () => done(audio.duration), { once: true });
                  audio.addEventListener("error", () => fail(new Error(`${id}: ${audio.error?.message}`)), {
                    once: true,
                  });
                }),
            ),
          );
        });
        expect(durations[0]).toBeCloseTo(25, 1);
        expect(durations[1]).toBeCloseTo(40, 1);
        const pictureWidth: number = await page.evaluate(async () => {
          const img = (
            globalThis as unknown as { document: { getElementById(id: string): any } }
          ).document.getElementById("picture");
          await img.decode();
          return img.naturalWidth;
        });
        expect(pictureWidth).toBe(1600);
        const statuses: number[] = await page.evaluate(async () => {
          const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<any> } }).document;
          const links: string[] = [...doc.querySelectorAll("a[href]")].map((a) => a.href);
          return Promise.all(
            links.map(async (href) => (await fetch(href, { headers: { Range: "bytes=0-0" } })).status),
          );
        });
        expect(statuses).toHaveLength(3); // the MP3, the WAV, the report
        for (const status of statuses) expect([200, 206]).toContain(status);
        await mkdir(resolve(SCREENSHOT, ".."), { recursive: true });
        await writeFile(SCREENSHOT, await page.screenshot({ fullPage: true }));
      } finally {
        await browser.close();
      }
    }, 240_000);
  },
);

describe("the upload's format metadata (moto, real engine)", () => {
  it("format=opus turns a WAV upload into an Opus result of the exact length; an unknown format is refused at upload", async () => {
    const clients = motoClients(inject("motoEndpoint"));
    const pipeline = await createTestPipeline(clients, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const song = await encodeAudio(synthesizeSong({ seconds: 22, sampleRate: 44_100, seed: 22 }), "wav16");
    for (const [key, format, status] of [
      ["a.wav", "opus", "accepted"],
      ["b.wav", "aac", "rejected"],
    ] as const) {
      const [outcome] = await uploadAndValidate(clients, pipeline, testValidator(clients, pipeline), {
        key,
        body: song,
        metadata: { "target-seconds": "30", format, notify: "owner@example.com" },
      });
      expect(outcome?.status).toBe(status);
    }
    await runWorkerUntilQueueEmpty(testWorkerDeps(clients, pipeline, runExtensionJob), 120_000);
    const keys = await listKeys(clients.s3, pipeline.outputBucket, "results/");
    expect(keys.filter((key) => key.endsWith("-extended.opus"))).toHaveLength(1);
    const notices = await drainNotifications(clients.sqs, pipeline.notificationQueueUrl);
    const done = notices.find((notice) => notice.Message.includes('"a.wav"'))!;
    const url = /^Result: (\S+)/m.exec(done.Message)?.[1] ?? "";
    const result = await decodeAudio(new Uint8Array(await (await fetch(url)).arrayBuffer()));
    expect([result.format, result.sampleRate, result.channels[0]!.length]).toEqual(["ogg-opus", 48_000, 30 * 48_000]);
    const refused = notices.find((notice) => notice.Message.includes('"b.wav"'))!;
    expect(refused.Message).toMatch(/unknown output format "aac"/);
  }, 240_000);
});

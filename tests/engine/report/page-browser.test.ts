import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORMAT_INFO } from "../../../engine/audio/encode/index.ts";
import type { ExtensionJobOutput } from "../../../engine/job.ts";
import { buildResultPage, firstJoinSeconds } from "../../../engine/report/page.ts";
import { extendedSong, INPUT_SECONDS, OUTPUT_SECONDS } from "./page-fixture.ts";

/** Debian's chromium (apt-get install chromium): CI installs it and fails without it; elsewhere the test is skipped without it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = resolve(import.meta.dirname, "../../../.work/result-page.png");
const SIGNATURE = "X-Amz-Signature=0123abcd";

/** The little of the DOM the checks use (the project compiles without the DOM library). */
type InPage = { document: { getElementById(id: string): any; querySelectorAll(selector: string): Iterable<any> } };

let job: ExtensionJobOutput;
let server: Server;
let base: string;
let browser: Browser | undefined;
const requests: string[] = [];

/** Serves the result's objects like presigned S3 URLs: 403 without the signature, byte ranges for the players. */
function objectServer(objects: Map<string, { body: Uint8Array; type: string }>): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    requests.push(url.pathname);
    const object = objects.get(decodeURIComponent(url.pathname));
    if (!url.search.includes(SIGNATURE)) return void response.writeHead(403).end("signature required");
    if (object === undefined) return void response.writeHead(404).end();
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Number(range[2]) : object.body.length - 1;
    const headers = {
      "Content-Type": object.type,
      "Accept-Ranges": "bytes",
      "Content-Length": String(end - start + 1),
    };
    if (range) response.writeHead(206, { ...headers, "Content-Range": `bytes ${start}-${end}/${object.body.length}` });
    else response.writeHead(200, headers);
    response.end(request.method === "HEAD" ? undefined : object.body.subarray(start, end + 1));
  });
}

beforeAll(async () => {
  const song = await extendedSong();
  job = song.job;
  const objects = new Map([
    ["/uploads/My Song.mp3", { body: song.input, type: "audio/mpeg" }],
    ["/results/job-1/extended.mp3", { body: job.encoded, type: FORMAT_INFO[job.report.outputFormat].mimeType }],
    ["/results/job-1/extended.wav", { body: job.wav, type: "audio/wav" }],
    ["/results/job-1/picture.png", { body: job.picture, type: "image/png" }],
    [
      "/results/job-1/report.json",
      { body: new TextEncoder().encode(JSON.stringify(job.report)), type: "application/json" },
    ],
  ]);
  server = objectServer(objects);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signed = (path: string) => `${base}${encodeURI(path)}?${SIGNATURE}&X-Amz-Expires=604800`;
  const page = buildResultPage({
    songName: "My Song.mp3",
    report: job.report,
    links: {
      original: signed("/uploads/My Song.mp3"),
      result: signed("/results/job-1/extended.mp3"),
      wav: signed("/results/job-1/extended.wav"),
      picture: signed("/results/job-1/picture.png"),
      report: signed("/results/job-1/report.json"),
    },
    expires: new Date(Date.now() + 7 * 86_400_000),
  });
  objects.set("/results/job-1/index.html", { body: new TextEncoder().encode(page), type: "text/html; charset=utf-8" });
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--autoplay-policy=no-user-gesture-required", "--mute-audio"],
    });
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
});

describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")("the result page in Chromium", () => {
  it("plays both songs at their lengths, shows the picture, links to objects that exist, and jumps to the join", async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${base}/results/job-1/index.html?${SIGNATURE}`);
    const durations = await page.evaluate(() =>
      Promise.all(
        ["original", "result"].map(
          (id) =>
            new Promise<number>((done, fail) => {
              const audio = (globalThis as unknown as InPage).document.getElementById(id);
              if (audio.readyState >= 3) return done(audio.duration);
              audio.addEventListener("canplay", () => done(audio.duration), { once: true });
              audio.addEventListener("error", () => fail(new Error(`${id}: ${audio.error?.message}`)), { once: true });
              audio.load();
            }),
        ),
      ),
    );
    expect(durations[0]).toBeCloseTo(INPUT_SECONDS, 1);
    expect(durations[1]).toBeCloseTo(OUTPUT_SECONDS, 1);

    const pictureWidth = await page.evaluate(async () => {
      const img = (globalThis as unknown as InPage).document.getElementById("picture");
      await img.decode();
      return img.naturalWidth;
    });
    expect(pictureWidth).toBe(1600);

    const statuses = await page.evaluate(async () => {
      const links: string[] = [...(globalThis as unknown as InPage).document.querySelectorAll("a[href]")].map(
        (a) => a.href,
      );
      return Promise.all(links.map(async (href) => (await fetch(href, { method: "HEAD" })).status));
    });
    expect(statuses).toEqual([200, 200, 200]); // result, WAV, report

    await page.click("#play-join");
    await page.waitForFunction(() => !(globalThis as unknown as InPage).document.getElementById("result").paused);
    const at: number = await page.evaluate(
      () => (globalThis as unknown as InPage).document.getElementById("result").currentTime,
    );
    const from = Math.max(0, firstJoinSeconds(job.report) - 5);
    expect(at).toBeGreaterThanOrEqual(from - 0.05);
    expect(at).toBeLessThan(from + 2);

    // Each join has its own button: the last one's plays from 5 s before the last join.
    const seams = job.report.seams;
    await page.evaluate(() => (globalThis as unknown as InPage).document.getElementById("result").pause());
    await page.click(`#join-${seams.length} button.play-before`);
    const lastFrom = Math.max(0, seams.at(-1)! - 5);
    await page.waitForFunction((from) => {
      const result = (globalThis as unknown as InPage).document.getElementById("result");
      return !result.paused && result.currentTime >= from - 0.05;
    }, lastFrom);
    const atLast: number = await page.evaluate(
      () => (globalThis as unknown as InPage).document.getElementById("result").currentTime,
    );
    expect(atLast).toBeGreaterThanOrEqual(lastFrom - 0.05);
    expect(atLast).toBeLessThan(lastFrom + 2);

    await mkdir(join(SCREENSHOT, ".."), { recursive: true });
    await writeFile(SCREENSHOT, await page.screenshot({ fullPage: true }));
    expect(requests).toContain("/results/job-1/picture.png");
  }, 120_000);

  it("fits a phone's width: the page never scrolls sideways, the joins' table scrolls inside its card", async () => {
    const page = await browser!.newPage({ viewport: { width: 390, height: 800 } });
    await page.goto(`${base}/results/job-1/index.html?${SIGNATURE}`);
    const widths = await page.evaluate(() => {
      const { document } = globalThis as unknown as InPage & { document: { documentElement: any } };
      const button = document.getElementById("joins").querySelector("button.play-before");
      return { page: document.documentElement.scrollWidth, buttonHeight: button.getBoundingClientRect().height };
    });
    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.buttonHeight).toBeLessThan(40); // "play 5 s before" on one line, not one word a line
  }, 60_000);
});

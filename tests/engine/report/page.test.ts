import { beforeAll, describe, expect, it } from "vitest";
import type { ExtensionJobOutput } from "../../../engine/job.ts";
import { checkTargets } from "../../../engine/quality/targets.ts";
import { buildResultPage, escapeHtml, firstJoinSeconds, relativePageLinks } from "../../../engine/report/page.ts";
import { extendedSong } from "./page-fixture.ts";

let job: ExtensionJobOutput;
beforeAll(async () => {
  ({ job } = await extendedSong());
}, 120_000);

const LINKS = {
  original: "https://bucket.example/in/My%20Song.mp3?X-Amz-Signature=a",
  result: "https://bucket.example/results/j/extended.mp3?X-Amz-Signature=b&x=1",
  wav: "https://bucket.example/results/j/extended.wav?X-Amz-Signature=c",
  picture: "https://bucket.example/results/j/picture.png?X-Amz-Signature=d",
  report: "https://bucket.example/results/j/report.json?X-Amz-Signature=e",
};

describe("the result page", () => {
  it("is self-contained: inline style and script only, every URL one of the links given", () => {
    const html = buildResultPage({
      songName: "My <Song> & co.mp3",
      report: job.report,
      links: LINKS,
      expires: new Date("2026-12-08T10:00:00Z"),
    });
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
    expect(new Set(urls)).toEqual(new Set(Object.values(LINKS)));
  });

  it("names the song (escaped), has both players, the join button, the picture, downloads and the expiry", () => {
    const html = buildResultPage({
      songName: "My <Song> & co.mp3",
      report: job.report,
      links: LINKS,
      expires: new Date("2026-12-08T10:00:00Z"),
    });
    expect(html).toContain("<h1>My &lt;Song&gt; &amp; co.mp3</h1>");
    expect(html).toContain(`<audio id="original" controls preload="metadata" src="${LINKS.original}">`);
    expect(html).toContain(
      `<audio id="result" controls preload="metadata" src="${LINKS.result.replace("&", "&amp;")}">`,
    );
    const join = firstJoinSeconds(job.report);
    expect(join).toBeGreaterThan(0);
    expect(html).toContain(`data-from="${Math.max(0, join - 5).toFixed(2)}"`);
    expect(html).toContain(`<img id="picture" src="${LINKS.picture}"`);
    expect(html).toMatch(/id="download-result"[^>]*>Download \(MP3\)</);
    expect(html).toMatch(/id="download-wav"[^>]*download="My &lt;Song&gt; &amp; co-extended.wav">Download \(WAV\)</);
    expect(html).toContain('expire on <time datetime="2026-12-08T10:00:00.000Z">2026-12-08 10:00 UTC</time>');
  });

  it("shows lengths as the browser's player beside them does: whole seconds cut, not rounded", () => {
    const report = {
      ...job.report,
      input: { ...job.report.input, seconds: 183.6 },
      output: { ...job.report.output, seconds: 299.97 },
    };
    const html = buildResultPage({ songName: "s.mp3", report, links: LINKS });
    expect(html).toContain('<p class="sub">3:03 extended to <strong>4:59</strong>');
    expect(html).toMatch(/id="original"[^>]*><\/audio><p class="muted">3:03<\/p>/);
    expect(html).toMatch(/id="result"[^>]*><\/audio><p class="muted">4:59<\/p>/);
  });

  it("lists every quality target with its figure and whether it was met", () => {
    const html = buildResultPage({ songName: "s.mp3", report: job.report, links: LINKS });
    const checks = checkTargets(job.report.quality!, { inputHasEnding: job.report.form === "song" });
    const rows = [...html.matchAll(/<tr class="(met|missed|na)"><td>([^<]*)<\/td>/g)];
    expect(rows.map((row) => row[2])).toEqual(checks.map((check) => escapeHtml(check.label)));
    expect(rows.map((row) => row[1])).toEqual(checks.map((c) => (c.met === null ? "na" : c.met ? "met" : "missed")));
    const met = checks.filter((c) => c.met === true).length;
    expect(html).toContain(`Quality: ${met} of ${checks.filter((c) => c.met !== null).length} targets met`);
    expect(html).toContain("the links don't expire");
  });

  it("has a 'play 5 s before' button for every join, its figures, and marks the joins that miss a target", () => {
    const html = buildResultPage({ songName: "s.mp3", report: job.report, links: LINKS });
    const rows = [...html.matchAll(/<tr class="join (met|missed|na)" id="join-\d+">(.*?)<\/tr>/g)];
    const seams = job.report.seams;
    expect(seams.length).toBeGreaterThan(1);
    expect(rows).toHaveLength(seams.length);
    const list = job.report.quality!.seamList;
    rows.forEach((row, i) => {
      expect(row[2]).toContain(`data-from="${Math.max(0, seams[i]! - 5).toFixed(2)}">play 5 s before</button>`);
      expect(row[1]).toBe(list[i]!.missed.length > 0 ? "missed" : "met");
    });
    const missing = list.filter((seam) => seam.missed.length > 0).length;
    expect(html).toContain(`Joins: ${missing} of ${seams.length} miss a target`);

    // A join that clicks reads as missed, named, with the song positions it joins.
    const clicked = list.map((seam, i) => (i === 1 ? { ...seam, click: true, missed: ["click" as const] } : seam));
    const quality = { ...job.report.quality!, seamList: clicked };
    const marked = buildResultPage({ songName: "s.mp3", report: { ...job.report, quality }, links: LINKS });
    const second = /<tr class="join (\w+)" id="join-2">(.*?)<\/tr>/.exec(marked)!;
    expect(second[1]).toBe("missed");
    expect(second[2]).toContain('<td class="status">click</td>');
    expect(second[2]).toMatch(/<td>\d+:\d\d\.\d → \d+:\d\d\.\d<\/td>/);
  });

  it("keeps the join buttons when the quality was not measured", () => {
    const { quality: _omitted, ...unmeasured } = job.report;
    const html = buildResultPage({ songName: "s.mp3", report: unmeasured, links: LINKS });
    expect([...html.matchAll(/class="play-before"/g)]).toHaveLength(job.report.seams.length);
    expect(html).toContain("not measured");
  });

  it("says when the quality was not measured", () => {
    const { quality: _omitted, ...unmeasured } = job.report;
    const html = buildResultPage({ songName: "s.mp3", report: unmeasured, links: LINKS });
    expect(html).toContain("Not measured");
    expect(html).not.toContain('<table class="quality">');
  });

  it("relative links from the page's folder, URI-encoded", () => {
    const links = relativePageLinks("/music/out/long song.html", {
      original: "/music/in/my song#1.mp3",
      result: "/music/out/long song.mp3",
      picture: "/music/out/long song.png",
    });
    expect(links).toEqual({
      original: "../in/my%20song%231.mp3",
      result: "long%20song.mp3",
      picture: "long%20song.png",
    });
  });

  it("says a shorter result was shortened, and shows its unjudged runs in seconds", () => {
    const quality = job.report.quality!;
    const report = {
      ...job.report,
      input: { ...job.report.input, seconds: 322 },
      output: { ...job.report.output, seconds: 150 },
      quality: { ...quality, originalSeconds: 322, resultSeconds: 150, longestVerbatimRunSeconds: 106.24 },
    };
    const html = buildResultPage({ songName: "s.mp3", report, links: LINKS });
    expect(html).toContain("<title>s.mp3, shortened to 2:30</title>");
    expect(html).toContain("5:22 shortened to <strong>2:30</strong>");
    expect(html).not.toContain("extended to");
    expect(html).toMatch(/<td>longest verbatim run<\/td><td>106\.2 s<\/td>/);
  });
});

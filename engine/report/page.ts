import { dirname, relative, resolve, sep } from "node:path";
import { clockSeconds } from "../clock.ts";
import type { ExtensionReport } from "./job-report.ts";
import { FORMAT_INFO } from "../audio/encode/formats.ts";
import { checkTargets, formatCheckValue } from "../quality/targets.ts";
import { PAGE_CSS } from "./page-style.ts";
import { GENERATOR } from "./signature.ts";
import { JOIN_LEAD_IN_SECONDS, joinsSection } from "./page-joins.ts";

/**
 * The result page: one self-contained index.html (inline CSS and a few lines of inline script; no external fonts,
 * scripts or styles) to listen before downloading. Every link is a parameter: relative file names beside the page
 * for the CLI, presigned URLs (all with the same lifetime) in the cloud.
 */
export interface PageLinks {
  /** The song as uploaded. */
  readonly original: string;
  /** The result in its own format. */
  readonly result: string;
  /** The result as WAV; absent when the result is the WAV. */
  readonly wav?: string;
  readonly picture?: string;
  readonly report?: string;
}

/** What the page reads from the job's report (an ExtensionReport has it all). */
export type PageReport = Pick<
  ExtensionReport,
  | "engine"
  | "backend"
  | "form"
  | "formReason"
  | "introSeconds"
  | "seams"
  | "quality"
  | "outputFormat"
  | "shortestRepeatSeconds"
> & {
  readonly input: { readonly seconds: number };
  readonly output: { readonly seconds: number };
};

export interface ResultPageInput {
  /** The song's file name, as the user knows it. */
  readonly songName: string;
  readonly report: PageReport;
  readonly links: PageLinks;
  /** When the links stop working; absent for local files, which don't expire. */
  readonly expires?: Date;
  /** Seconds of lead-in before the first join for the "hear the join" button. */
  readonly leadInSeconds?: number;
}

const LEAD_IN_SECONDS = JOIN_LEAD_IN_SECONDS;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** 75.9 -> "1:15": whole seconds cut, not rounded, as the browser's player counts them beside it. */
export const clockTime = clockSeconds;

/** What the job did to the song's length: a shorter result is "shortened", not "extended". */
function lengthVerb(report: Pick<PageReport, "input" | "output">): string {
  return report.output.seconds < report.input.seconds ? "shortened" : "extended";
}

/** Where the extension first joins: the first seam, else where the input (or its intro) ends. */
export function firstJoinSeconds(report: Pick<ExtensionReport, "seams" | "introSeconds">): number {
  return report.seams[0] ?? report.introSeconds;
}

function qualitySection(report: PageReport): string {
  if (report.quality === undefined) {
    return `<section><h2>Quality</h2><p class="muted">Not measured for this result (the analysis was turned off).</p></section>`;
  }
  const checks = checkTargets(report.quality, {
    inputHasEnding: report.form === "song",
    shortestRepeatSeconds: report.shortestRepeatSeconds,
  });
  const judged = checks.filter((c) => c.met !== null);
  const met = judged.filter((c) => c.met === true).length;
  const rows = checks
    .map((check) => {
      const status = check.met === null ? ["na", "n/a"] : check.met ? ["met", "met"] : ["missed", "missed"];
      return (
        `<tr class="${status[0]}"><td>${escapeHtml(check.label)}</td><td>${escapeHtml(formatCheckValue(check))}</td>` +
        `<td>${escapeHtml(check.target)}</td><td class="status">${status[1]}</td></tr>`
      );
    })
    .join("\n");
  return (
    `<section><h2>Quality: ${met} of ${judged.length} targets met</h2>\n<table class="quality">` +
    `<thead><tr><th>measure</th><th>value</th><th>target</th><th>met?</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table></section>`
  );
}

function expirySentence(expires: Date | undefined): string {
  if (expires === undefined) return "These files are on your computer: the links don't expire.";
  const when = expires.toISOString().replace("T", " ").slice(0, 16);
  return `These links, and this page, expire on <time datetime="${expires.toISOString()}">${when} UTC</time>. Download what you want to keep before then.`;
}

function downloads(input: ResultPageInput): string {
  const { links, report, songName } = input;
  const base = songName.replace(/\.[^.]+$/, "");
  const format = FORMAT_INFO[report.outputFormat];
  const items = [
    `<li><a class="button" id="download-result" href="${escapeHtml(links.result)}" download="${escapeHtml(`${base}-extended${format.extension}`)}">Download (${escapeHtml(format.label)})</a></li>`,
    links.wav === undefined
      ? ""
      : `<li><a class="button" id="download-wav" href="${escapeHtml(links.wav)}" download="${escapeHtml(`${base}-extended.wav`)}">Download (WAV)</a></li>`,
    links.report === undefined
      ? ""
      : `<li><a id="download-report" href="${escapeHtml(links.report)}">Quality report (JSON)</a></li>`,
  ];
  return `<section><h2>Download</h2><ul class="downloads">${items.join("")}</ul><p class="expiry">${expirySentence(input.expires)}</p></section>`;
}

/** The whole page as one HTML string. */
export function buildResultPage(input: ResultPageInput): string {
  const { report, links, songName } = input;
  const join = firstJoinSeconds(report);
  const from = Math.max(0, join - (input.leadInSeconds ?? LEAD_IN_SECONDS));
  const name = escapeHtml(songName);
  const picture =
    links.picture === undefined
      ? ""
      : `<section><h2>The picture</h2><img id="picture" src="${escapeHtml(links.picture)}" alt="Waveform and spectrogram of ${name}: the original, the extension and every join" width="1600" height="900"></section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${GENERATOR}">
<title>${name}, ${lengthVerb(report)} to ${clockTime(report.output.seconds)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
<header><h1>${name}</h1>
<p class="sub">${clockTime(report.input.seconds)} ${lengthVerb(report)} to <strong>${clockTime(report.output.seconds)}</strong> with the ${escapeHtml(report.engine)} engine, ${escapeHtml(report.form)} form; ${report.seams.length} join${report.seams.length === 1 ? "" : "s"}.</p></header>
<section class="players">
<div class="player"><h2>Before: the original</h2><audio id="original" controls preload="metadata" src="${escapeHtml(links.original)}"></audio><p class="muted">${clockTime(report.input.seconds)}</p></div>
<div class="player"><h2>After: the result</h2><audio id="result" controls preload="metadata" src="${escapeHtml(links.result)}"></audio><p class="muted">${clockTime(report.output.seconds)}</p>
<button type="button" id="play-join" data-from="${from.toFixed(2)}">Play from ${clockTime(from)}, ${Math.round(join - from)} s before the first join (${clockTime(join)})</button></div>
</section>
${downloads(input)}
${picture}
${joinsSection(report.seams, report.quality?.seamList, input.leadInSeconds ?? LEAD_IN_SECONDS)}
${qualitySection(report)}
<footer><p class="muted">Made by Emotions Harmonizer. Engine ${escapeHtml(report.engine)}${report.backend ? ` on ${escapeHtml(report.backend)}` : ""}; ${escapeHtml(report.formReason)}.</p></footer>
</main>
<script>
document.querySelectorAll("button[data-from]").forEach(function (button) {
  button.addEventListener("click", function () {
    var original = document.getElementById("original");
    var result = document.getElementById("result");
    original.pause();
    result.currentTime = Number(this.dataset.from);
    result.play();
  });
});
</script>
</body>
</html>
`;
}

/**
 * Links for a page written beside the CLI's output: every file by its path relative to the page's folder
 * (the original where it lies, the rest by file name), each part URI-encoded.
 */
export function relativePageLinks(
  pagePath: string,
  files: { original: string; result: string; wav?: string; picture?: string; report?: string },
): PageLinks {
  const folder = dirname(resolve(pagePath));
  const link = (path: string) => relative(folder, resolve(path)).split(sep).map(encodeURIComponent).join("/");
  return {
    original: link(files.original),
    result: link(files.result),
    ...(files.wav === undefined ? {} : { wav: link(files.wav) }),
    ...(files.picture === undefined ? {} : { picture: link(files.picture) }),
    ...(files.report === undefined ? {} : { report: link(files.report) }),
  };
}

import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { FORMAT_INFO, OUTPUT_FORMATS, type OutputFormat } from "../../engine/audio/encode/formats.ts";
import type { QualityReport } from "../../engine/quality/report.ts";
import { buildResultPage, type PageReport } from "../../engine/report/page.ts";
import type { JobMessage } from "#aws/shared/job-schema.ts";
import type { ResultKeys } from "#aws/shared/object-keys.ts";
import { type PresignedLink, presignDownload } from "./presign.ts";

/**
 * The result page in the cloud: results/<job>/index.html beside a copy of the original (the signing key may read
 * only results/) and the result in its own format. Every URL in the page, and the page's own, is presigned for
 * the same lifetime as the email's links.
 */
export interface PageKeys {
  readonly page: string;
  readonly original: string;
  /** The result in its own format; the WAV's key when that format is WAV. */
  readonly result: string;
}

const MAX_KEY_BYTES = 1024;
const INPUT_EXTENSIONS: Readonly<Record<string, string>> = {
  wav: ".wav",
  mp3: ".mp3",
  flac: ".flac",
  "ogg-vorbis": ".ogg",
  "ogg-opus": ".opus",
};
const INPUT_TYPES: Readonly<Record<string, string>> = {
  wav: "audio/wav",
  mp3: "audio/mpeg",
  flac: "audio/flac",
  "ogg-vorbis": "audio/ogg",
  "ogg-opus": "audio/ogg; codecs=opus",
};

/**
 * What the page shows, from a report as stored (JSON): fields a report from an older worker lacks get neutral
 * values (no seams, the input's length from the job, WAV, no quality table).
 */
export function pageReport(report: unknown, inputSeconds: number): PageReport {
  const r = (report ?? {}) as Record<string, unknown>;
  const text = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);
  const seconds = (value: unknown, fallback: number) => {
    const found = (value as { seconds?: unknown } | undefined)?.seconds;
    return typeof found === "number" ? found : fallback;
  };
  return {
    engine: text(r.engine, "remix") as PageReport["engine"],
    ...(typeof r.backend === "string" ? { backend: r.backend } : {}),
    form: text(r.form, "continue") as PageReport["form"],
    formReason: text(r.formReason, "form not recorded"),
    introSeconds: typeof r.introSeconds === "number" ? r.introSeconds : seconds(r.input, inputSeconds),
    seams: Array.isArray(r.seams) ? r.seams.filter((seam): seam is number => typeof seam === "number") : [],
    ...(typeof r.quality === "object" && r.quality !== null ? { quality: r.quality as QualityReport } : {}),
    outputFormat: reportFormat(report),
    input: { seconds: seconds(r.input, inputSeconds) },
    output: { seconds: seconds(r.output, inputSeconds) },
  };
}

/** The report's output format; reports from before formats existed (or fakes) mean WAV. */
export function reportFormat(report: unknown): OutputFormat {
  const format = (report as { outputFormat?: unknown } | undefined)?.outputFormat;
  return OUTPUT_FORMATS.find((known) => known === format) ?? "wav32f";
}

export function pageKeys(keys: ResultKeys, outputFormat: OutputFormat, inputFormat: string): PageKeys {
  const folder = keys.report.slice(0, keys.report.lastIndexOf("/") + 1);
  const extension = FORMAT_INFO[outputFormat].extension;
  const result = extension === ".wav" ? keys.wav : keys.wav.replace(/\.wav$/, extension);
  return {
    page: `${folder}index.html`,
    original: `${folder}original${INPUT_EXTENSIONS[inputFormat] ?? ""}`,
    // S3 keys hold at most 1,024 bytes; the WAV's key was cut to fit ".wav", a longer extension may not.
    result: Buffer.byteLength(result, "utf8") <= MAX_KEY_BYTES ? result : `${folder}extended${extension}`,
  };
}

/** Copies the validated upload (that very version) beside the result, server-side, for the page's "before" player. */
export async function copyOriginal(s3: S3Client, job: JobMessage, bucket: string, key: string): Promise<void> {
  const source = `${job.bucket}/${job.key.split("/").map(encodeURIComponent).join("/")}`;
  await s3.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: key,
      CopySource: job.versionId === undefined ? source : `${source}?versionId=${encodeURIComponent(job.versionId)}`,
      CopySourceIfMatch: `"${job.etag}"`,
      MetadataDirective: "REPLACE",
      ContentType: INPUT_TYPES[job.input.format] ?? "application/octet-stream",
    }),
  );
}

export interface PageLinksSigned {
  readonly page: PresignedLink;
  readonly result: PresignedLink;
}

/**
 * Signs every file of the result for `lifetime`, writes index.html with those links, and returns the page's own
 * link (shown inline, not downloaded) and the result's.
 */
export async function publishResultPage(
  clients: { s3: S3Client; presignS3: S3Client },
  bucket: string,
  keys: ResultKeys,
  page: PageKeys,
  content: { report: PageReport; songName: string; downloadName: string },
  lifetime: { seconds: number; expiresAt: Date },
): Promise<PageLinksSigned> {
  const sign = (key: string, fileName: string) => presignDownload(clients.presignS3, bucket, key, fileName, lifetime);
  const format = FORMAT_INFO[content.report.outputFormat];
  const result = await sign(page.result, `${content.downloadName}-extended${format.extension}`);
  const links = {
    original: (await sign(page.original, content.songName)).url,
    result: result.url,
    ...(page.result === keys.wav ? {} : { wav: (await sign(keys.wav, `${content.downloadName}-extended.wav`)).url }),
    picture: (await sign(keys.picture, `${content.downloadName}-extended.png`)).url,
    report: (await sign(keys.report, `${content.downloadName}-report.json`)).url,
  };
  const html = buildResultPage({
    songName: content.songName,
    report: content.report,
    links,
    expires: lifetime.expiresAt,
  });
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: page.page,
      Body: html,
      ContentType: "text/html; charset=utf-8",
      CacheControl: "no-store",
    }),
  );
  const command = new GetObjectCommand({
    Bucket: bucket,
    Key: page.page,
    ResponseContentType: "text/html; charset=utf-8",
  });
  const pageUrl = await getSignedUrl(clients.presignS3, command, { expiresIn: lifetime.seconds });
  return { page: { url: pageUrl, expiresAt: lifetime.expiresAt }, result };
}

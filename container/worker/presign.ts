import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

/** SigV4 presigned URLs live at most 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface PresignedLink {
  readonly url: string;
  /** When the link really stops working (earlier than asked if the signing credentials expire first). */
  readonly expiresAt: Date;
}

/**
 * How long links signed by `s3` will really live when asked for `days`: capped at 7 days and at the
 * expiry of the signing credentials (temporary task-role credentials last hours, not days).
 */
export async function linkLifetime(
  s3: S3Client,
  days: number,
  now: Date,
): Promise<{ seconds: number; expiresAt: Date }> {
  let seconds = Math.min(Math.round(days * 86_400), MAX_PRESIGN_SECONDS);
  const credentials = await s3.config.credentials();
  if (credentials.expiration !== undefined) {
    const untilExpiry = Math.floor((credentials.expiration.getTime() - now.getTime()) / 1000);
    seconds = Math.max(1, Math.min(seconds, untilExpiry));
  }
  return { seconds, expiresAt: new Date(now.getTime() + seconds * 1000) };
}

/** A GET link for one object, downloading under `fileName`. */
export async function presignDownload(
  s3: S3Client,
  bucket: string,
  key: string,
  fileName: string,
  lifetime: { seconds: number; expiresAt: Date },
): Promise<PresignedLink> {
  const command = new GetObjectCommand({
    Bucket: bucket,
    Key: key,
    ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  });
  const url = await getSignedUrl(s3, command, { expiresIn: lifetime.seconds });
  return { url, expiresAt: lifetime.expiresAt };
}

import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createS3Sink, SINK_PART_BYTES } from "../../container/worker/s3-sink.ts";
import { motoClients } from "../support/aws.ts";

const BUCKET = "sink-test";
let s3: S3Client;

beforeAll(async () => {
  s3 = motoClients(inject("motoEndpoint")).s3;
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

/** Bytes 0..n with a pattern that shows any part out of place. */
const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed + (i >> 13)) & 0xff);

async function stored(key: string): Promise<Uint8Array> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return new Uint8Array(await Body!.transformToByteArray());
}

describe("the result uploaded as it is encoded", () => {
  it("a result of several parts arrives whole, with the header patched at the end", async () => {
    const sink = createS3Sink(s3, { bucket: BUCKET, key: "big.mp3", contentType: "audio/mpeg" });
    const total = 2.5 * SINK_PART_BYTES + 12_345;
    const expected = pattern(total, 1);
    // Written in encoder-sized pieces, then its first bytes patched (as the MP3 tag or a WAV's sizes are).
    for (let at = 0; at < total; at += 300_001) await sink.write(expected.subarray(at, Math.min(total, at + 300_001)));
    const header = pattern(417, 9);
    await sink.patch(0, header);
    expected.set(header, 0);
    await sink.finish();
    expect(Buffer.from(await stored("big.mp3")).equals(Buffer.from(expected))).toBe(true);
  });

  it("a small result is one object", async () => {
    const sink = createS3Sink(s3, { bucket: BUCKET, key: "small.wav", contentType: "audio/wav" });
    await sink.write(pattern(1000, 2));
    await sink.patch(4, new Uint8Array([1, 2, 3, 4]));
    await sink.finish();
    const expected = pattern(1000, 2);
    expected.set([1, 2, 3, 4], 4);
    expect(Buffer.from(await stored("small.wav")).equals(Buffer.from(expected))).toBe(true);
  });

  it("an aborted result leaves no object and no open upload", async () => {
    const sink = createS3Sink(s3, { bucket: BUCKET, key: "failed.flac", contentType: "audio/flac" });
    await sink.write(pattern(2.2 * SINK_PART_BYTES, 3));
    await sink.abort();
    await expect(stored("failed.flac")).rejects.toMatchObject({ name: "NoSuchKey" });
    const { Uploads } = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect((Uploads ?? []).filter((u) => u.Key === "failed.flac")).toHaveLength(0);
  });

  it("refuses a patch past its first part", async () => {
    const sink = createS3Sink(s3, { bucket: BUCKET, key: "odd.wav", contentType: "audio/wav" });
    await sink.write(pattern(SINK_PART_BYTES + 10, 4));
    await expect(sink.patch(SINK_PART_BYTES, new Uint8Array(4))).rejects.toThrow(/first part/);
    await sink.abort();
  });
});

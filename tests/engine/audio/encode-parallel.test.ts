import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio } from "../../../engine/audio/decode.ts";
import {
  encodeFlacParallel,
  encodeMp3Parallel,
  encodeOpusParallel,
  FLAC_PLAN,
  mp3Plan,
  OPUS_PLAN,
} from "../../../engine/audio/encode/encode-parallel.ts";
import { encodeFlacStream } from "../../../engine/audio/encode/flac.ts";
import { joinFigures } from "../../../engine/quality/encode-joins.ts";
import { encodeMp3Stream } from "../../../engine/audio/encode/mp3.ts";
import { encodeOggOpusStream, OPUS_BITRATE } from "../../../engine/audio/encode/opus.ts";
import { resampledStream } from "../../../engine/audio/encode/polyphase.ts";
import { type EncodeThreads, startEncodeThreads } from "../../../engine/audio/encode/segment-threads.ts";
import { segmentsOf } from "../../../engine/audio/encode/segments.ts";
import { MemorySink, type OutputSink } from "../../../engine/audio/encode/sink.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { streamOf, wholeAudio } from "../../../engine/audio/stream.ts";
import { CLICK_RATIO_THRESHOLD } from "../../../engine/quality/clicks.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

// Short segments, so that a few seconds of music cross many joins.
const FLAC_SHORT = { ...FLAC_PLAN, units: 12 };
const MP3_UNITS = 60;
const OPUS_SHORT = { ...OPUS_PLAN, units: 90 };

let threads: EncodeThreads;
beforeAll(() => {
  threads = startEncodeThreads(2);
});
afterAll(() => threads.stop());

async function bytesOf(write: (sink: OutputSink) => Promise<unknown>): Promise<Uint8Array> {
  const sink = new MemorySink();
  await write(sink);
  return sink.bytes();
}

/** Samples per channel ffmpeg decodes (from a file: a pipe keeps an MP3's end padding). */
function ffmpegLength(bytes: Uint8Array, channels: number): number {
  const dir = mkdtempSync(join(tmpdir(), "encode-parallel-"));
  try {
    writeFileSync(join(dir, "in"), bytes);
    const args = ["-v", "error", "-i", join(dir, "in"), "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"];
    const run = spawnSync("ffmpeg", args, { maxBuffer: 1 << 28 });
    expect(run.status).toBe(0);
    return run.stdout.length / 4 / channels;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each join of the parallel encode against the same place of the one-piece encode, both decoded: no more error
 * against the samples encoded than the one-piece encode has there, and no click (the report's click ratio).
 */
function expectSeamlessJoins(parallel: PcmAudio, onePiece: PcmAudio, source: PcmAudio, joins: number[]): void {
  expect(joins.length).toBeGreaterThan(3);
  for (const join of joinFigures(parallel, onePiece, source, joins, 2048)) {
    expect(join.errorRms.parallel, `error at ${join.at}`).toBeLessThan(1.25 * join.errorRms.onePiece + 2e-4);
    expect(join.largestStep.parallel, `step at ${join.at}`).toBeLessThan(1.25 * join.largestStep.onePiece + 0.01);
    expect(join.clickRatio.parallel, `click at ${join.at}`).toBeLessThan(
      Math.max(CLICK_RATIO_THRESHOLD, 1.25 * join.clickRatio.onePiece),
    );
  }
}

describe("encoding in parallel segments", () => {
  it.each([16, 24] as const)("FLAC (%i-bit): the same bytes as the one-piece encode, MD5 and all", async (bits) => {
    const song = synthesizeSong({ seconds: 7.3, sampleRate: 44_100, channels: 2, seed: 5 });
    const stream = streamOf(song);
    const parallel = await bytesOf((sink) => encodeFlacParallel(stream, bits, sink, threads, undefined, FLAC_SHORT));
    const onePiece = await bytesOf((sink) => encodeFlacStream(stream, bits, sink));
    expect([...segmentsOf(stream.length, FLAC_SHORT)].length).toBeGreaterThan(5);
    expect(Buffer.from(parallel).equals(Buffer.from(onePiece))).toBe(true);
    expect((await decodeAudio(parallel)).channels[0]!.length).toBe(stream.length);
    expect(ffmpegLength(parallel, 2)).toBe(stream.length);
  });

  it.each([
    ["stereo 44.1 kHz", 44_100, 2],
    ["mono 22.05 kHz (MPEG-2 frames of 576)", 22_050, 1],
  ] as const)("MP3, %s: exact length in both decoders, joins without a click", async (_, rate, channels) => {
    const song = synthesizeSong({ seconds: 9.1, sampleRate: rate, channels, seed: 7 });
    const stream = streamOf(song);
    const setting = { vbrQuality: 0 };
    let joinShifts: number[] = [];
    const parallel = await bytesOf(async (sink) => {
      ({ joinShifts } = await encodeMp3Parallel(stream, sink, setting, threads, undefined, MP3_UNITS));
    });
    const onePiece = await bytesOf((sink) => encodeMp3Stream(stream, sink, undefined, setting));
    const decoded = await decodeAudio(parallel);
    expect(decoded.channels[0]!.length).toBe(stream.length);
    expect(ffmpegLength(parallel, channels)).toBe(stream.length);
    const unit = rate >= 32_000 ? 1152 : 576;
    const segments = [...segmentsOf(stream.length, { ...mp3Plan(rate), units: MP3_UNITS })].slice(1);
    // The decoder's output for frame n starts 576 + 529 samples before the samples it coded.
    const joins = segments.map((segment, i) => (segment.firstUnit + joinShifts[i]!) * unit - 1105);
    expectSeamlessJoins(decoded, await decodeAudio(onePiece), song, joins);
  });

  it("MP3 at full bitrate with the reservoir in use (a dense mix): 45 joins all find room, exact length", async () => {
    // Failed before the join search checked that the packed reservoir keeps up with the new encoder's ("an MP3
    // frame's data does not fit at any bitrate").
    const song = synthesizeSong({ seconds: 30, sampleRate: 44_100, channels: 2, seed: 3 });
    const stream = streamOf(song);
    let joinShifts: number[] = [];
    const parallel = await bytesOf(async (sink) => {
      ({ joinShifts } = await encodeMp3Parallel(stream, sink, { vbrQuality: 0 }, threads, undefined, 25));
    });
    expect(joinShifts.length).toBe(45);
    const decoded = await decodeAudio(parallel);
    expect(decoded.channels[0]!.length).toBe(stream.length);
    const onePiece = await decodeAudio(await bytesOf((sink) => encodeMp3Stream(stream, sink)));
    const segments = [...segmentsOf(stream.length, { ...mp3Plan(44_100), units: 25 })].slice(1);
    const joins = segments.map((segment, i) => (segment.firstUnit + joinShifts[i]!) * 1152 - 1105);
    expectSeamlessJoins(decoded, onePiece, song, joins);
  });

  it("Opus: exact length in both decoders (pre-skip, end trimming), joins without a click", async () => {
    const song = synthesizeSong({ seconds: 11.2, sampleRate: 44_100, channels: 2, seed: 9 });
    const stream = streamOf(song);
    const parallel = await bytesOf((sink) =>
      encodeOpusParallel(stream, sink, OPUS_BITRATE[2], threads, undefined, OPUS_SHORT),
    );
    const onePiece = await bytesOf((sink) => encodeOggOpusStream(stream, sink));
    const at48k = wholeAudio(await resampledStream(stream, 48_000));
    const length = at48k.channels[0]!.length;
    const decoded = await decodeAudio(parallel);
    expect(decoded.channels[0]!.length).toBe(length);
    expect(ffmpegLength(parallel, 2)).toBe(length);
    const joins = [...segmentsOf(length, OPUS_SHORT)].slice(1).map((segment) => segment.firstUnit * 960 - 312);
    expectSeamlessJoins(decoded, await decodeAudio(onePiece), at48k, joins);
  });
});

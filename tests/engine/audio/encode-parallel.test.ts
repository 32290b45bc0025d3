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
  encodeVorbisParallel,
  FLAC_PLAN,
  mp3Plan,
  OPUS_PLAN,
  VORBIS_PLAN,
} from "../../../engine/audio/encode/encode-parallel.ts";
import { encodeFlacStream } from "../../../engine/audio/encode/flac.ts";
import { joinFigures } from "../../../engine/quality/encode-joins.ts";
import { encodeMp3Stream } from "../../../engine/audio/encode/mp3.ts";
import { encodeOggOpusStream, OPUS_BITRATE } from "../../../engine/audio/encode/opus.ts";
import { resampledStream } from "../../../engine/audio/encode/polyphase.ts";
import { type EncodeThreads, startEncodeThreads } from "../../../engine/audio/encode/segment-threads.ts";
import { OggStreamWriter } from "../../../engine/audio/encode/ogg-writer.ts";
import { segmentsOf } from "../../../engine/audio/encode/segments.ts";
import { MemorySink, type OutputSink } from "../../../engine/audio/encode/sink.ts";
import { encodeOggVorbisStream } from "../../../engine/audio/encode/vorbis.ts";
import { encodeVorbisSegment } from "../../../engine/audio/encode/vorbis-segment.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { streamOf, wholeAudio } from "../../../engine/audio/stream.ts";
import { CLICK_RATIO_THRESHOLD } from "../../../engine/quality/clicks.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

// Short segments, so that a few seconds of music cross many joins.
const FLAC_SHORT = { ...FLAC_PLAN, units: 12 };
const MP3_UNITS = 60;
const OPUS_SHORT = { ...OPUS_PLAN, units: 90 };
const VORBIS_SHORT = { ...VORBIS_PLAN, units: 24 };

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
 * Each join of the parallel encode against the same place of the one-piece encode, both decoded: where it has more
 * error against the samples encoded than the one-piece encode has there, a larger step, or a click (the report's
 * click ratio).
 */
function joinFaults(parallel: PcmAudio, onePiece: PcmAudio, source: PcmAudio, joins: number[]): string[] {
  const faults: string[] = [];
  for (const join of joinFigures(parallel, onePiece, source, joins, 2048)) {
    if (join.errorRms.parallel >= 1.25 * join.errorRms.onePiece + 2e-4) faults.push(`error at ${join.at}`);
    if (join.largestStep.parallel >= 1.25 * join.largestStep.onePiece + 0.01) faults.push(`step at ${join.at}`);
    if (join.clickRatio.parallel >= Math.max(CLICK_RATIO_THRESHOLD, 1.25 * join.clickRatio.onePiece)) {
      faults.push(`click at ${join.at}`);
    }
  }
  return faults;
}

function expectSeamlessJoins(parallel: PcmAudio, onePiece: PcmAudio, source: PcmAudio, joins: number[]): void {
  expect(joins.length).toBeGreaterThan(3);
  expect(joinFaults(parallel, onePiece, source, joins)).toEqual([]);
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

  async function vorbisBoth(song: PcmAudio) {
    const stream = streamOf(song);
    const sink = new MemorySink();
    const counts = await encodeVorbisParallel(stream, sink, 6, threads, undefined, VORBIS_SHORT);
    const onePiece = await decodeAudio(await bytesOf((one) => encodeOggVorbisStream(stream, one)));
    return { stream, counts, bytes: sink.bytes(), decoded: await decodeAudio(sink.bytes()), onePiece };
  }

  it.each([
    ["stereo 44.1 kHz (blocks of 256 and 2,048)", 44_100, 2],
    ["mono 22.05 kHz (blocks of 512 and 1,024)", 22_050, 1],
  ] as const)("Vorbis, %s: exact length in both decoders, joins without a click", async (_, rate, channels) => {
    const song = synthesizeSong({ seconds: 14, sampleRate: rate, channels, seed: 11 });
    const { stream, counts, bytes, decoded, onePiece } = await vorbisBoth(song);
    expect(counts.joins).toBe([...segmentsOf(stream.length, VORBIS_SHORT)].length - 1);
    expect(decoded.channels[0]!.length).toBe(stream.length);
    expect(ffmpegLength(bytes, channels)).toBe(stream.length);
    expectSeamlessJoins(decoded, onePiece, song, counts.at);
  });

  it("Vorbis, a held tone (no transient for the encoders to fall into step at): segments encoded again in step", async () => {
    const rate = 44_100;
    const tone = Float32Array.from({ length: 12 * rate }, (_, i) =>
      i < 20_000 ? 0 : 0.3 * Math.sin((2 * Math.PI * 330 * i) / rate) * (0.9 + 0.1 * Math.sin(i / rate)),
    );
    const song = { sampleRate: rate, channels: [tone, tone.map((x) => 0.8 * x)] };
    const { stream, counts, bytes, decoded, onePiece } = await vorbisBoth(song);
    // Held after its onset, the tone gives the encoders no transient to fall into step at: the joins need a second
    // encode, started in step, until the segments dispatched after the first such join start in step themselves.
    expect(counts.rephased).toBeGreaterThan(0);
    expect(counts.rephased + counts.replayed).toBeLessThanOrEqual(3);
    expect(counts.joins).toBe(10);
    expect(decoded.channels[0]!.length).toBe(stream.length);
    expect(ffmpegLength(bytes, 2)).toBe(stream.length);
    expectSeamlessJoins(decoded, onePiece, song, counts.at);
  });

  it("Vorbis joined naively (each segment's encoder started at its first sample, its packets cut there) fails", async () => {
    const song = synthesizeSong({ seconds: 14, sampleRate: 44_100, channels: 2, seed: 11 });
    const stream = streamOf(song);
    const writer = new OggStreamWriter(1);
    let centre = 0;
    let before = 0;
    const joins: number[] = [];
    for (const segment of segmentsOf(stream.length, { ...VORBIS_SHORT, preRoll: 0, postRoll: 0 })) {
      const result = await encodeVorbisSegment(stream.read(segment.from, segment.to), 44_100, 6);
      if (segment.index === 0) {
        for (let i = 0; i < 3; i++)
          writer.writeHeaderPacket(result.headers.subarray(result.headerOffsets[i], result.headerOffsets[i + 1]));
      } else joins.push(segment.from);
      for (let k = 0, own = 0; k < result.long.length; k++) {
        const size = result.long[k] ? result.longBlock : result.shortBlock;
        if (k > 0) own += (result.long[k - 1] ? result.longBlock : result.shortBlock) / 4 + size / 4;
        if (!segment.last && segment.from + own >= segment.to) break;
        if (segment.index > 0 || k > 0) centre += before / 4 + size / 4;
        before = size;
        writer.writePacket(
          result.packets.subarray(result.offsets[k], result.offsets[k + 1]),
          Math.min(centre, stream.length),
        );
      }
    }
    const naive = await decodeAudio(writer.finish());
    const { onePiece } = await vorbisBoth(song);
    const length = naive.channels[0]!.length;
    const faults = joinFaults(naive, onePiece, song, joins);
    expect(length !== stream.length || faults.length > 0, `${length} samples, ${faults.length} faults`).toBe(true);
    expect(faults.length).toBeGreaterThan(0);
  });
});

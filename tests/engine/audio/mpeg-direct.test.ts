import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MPEGDecoder } from "mpg123-decoder";
import { describe, expect, it } from "vitest";
import { decodeAudio } from "../../../engine/audio/decode.ts";
import { directMpegReader } from "../../../engine/audio/mpeg-direct.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";

/**
 * 5 s of a full-scale square plus noise (the decoded MP3 overshoots ±1), encoded by ffmpeg's LAME with `args`, to a
 * file (to a pipe, ffmpeg cannot go back to fill in the LAME tag's delay and padding).
 */
function ffmpegMp3(args: string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "mpeg-direct-"));
  const file = join(dir, "song.mp3");
  const source =
    "aevalsrc='0.97*sgn(sin(2*PI*220*t))+0.05*(random(0)-0.5)|0.6*sin(2*PI*331*t)+0.4*random(1)':s=44100:d=5";
  const run = spawnSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", source, "-c:a", "libmp3lame", ...args, file]);
  try {
    if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr.toString()}`);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** mpg123-decoder's own `decode` over the whole file at once, clamped to [-1, 1]: what the engine must give. */
async function libraryDecode(bytes: Uint8Array, channels: number): Promise<Float32Array[]> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const result = decoder.decode(bytes);
    return result.channelData.slice(0, channels).map((channel) => channel.map((v) => Math.min(1, Math.max(-1, v))));
  } finally {
    decoder.free();
  }
}

const bitsOf = (samples: Float32Array) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);

const CASES: { name: string; args: string[]; channels: number; rate: number; untrimmed?: boolean }[] = [
  { name: "CBR 192k stereo with a LAME tag", args: ["-b:a", "192k"], channels: 2, rate: 44_100 },
  { name: "VBR stereo", args: ["-q:a", "2"], channels: 2, rate: 44_100 },
  { name: "mono 96k", args: ["-ac", "1", "-b:a", "96k"], channels: 1, rate: 44_100 },
  { name: "MPEG-2 at 22.05 kHz", args: ["-ar", "22050", "-b:a", "64k"], channels: 2, rate: 22_050 },
  {
    name: "CBR without a Xing/LAME frame",
    args: ["-b:a", "128k", "-write_xing", "0"],
    channels: 2,
    rate: 44_100,
    untrimmed: true,
  },
];

describe("MP3 decoding straight from mpg123's output buffer", () => {
  it("finds the decoder fields it drives in the installed mpg123-decoder (else it would fall back silently)", async () => {
    const decoder = new MPEGDecoder();
    await decoder.ready;
    try {
      expect(directMpegReader(decoder)).toBeTypeOf("function");
    } finally {
      decoder.free();
    }
    expect(directMpegReader({})).toBeUndefined();
  });

  it.each(CASES)("gives the library's samples bit for bit, clamped, with the same count: $name", async (c) => {
    const bytes = ffmpegMp3(c.args);
    const reported: PcmAudio[] = [];
    const decoded = await decodeAudio(bytes, { onSamples: (part) => reported.push(part) });
    const expected = await libraryDecode(bytes, c.channels);
    expect(decoded.sampleRate).toBe(c.rate);
    expect(decoded.channels).toHaveLength(c.channels);
    // LAME's delay and padding are trimmed (gapless): 5 s exactly; without the tag, the frames' whole length.
    if (c.untrimmed) expect(decoded.channels[0]!.length).toBeGreaterThan(c.rate * 5);
    else expect(decoded.channels[0]!.length).toBe(c.rate * 5);
    for (let k = 0; k < c.channels; k++) {
      expect(decoded.channels[k]!.length).toBe(expected[k]!.length);
      expect(bitsOf(decoded.channels[k]!).equals(bitsOf(expected[k]!))).toBe(true);
    }
    expect(Math.max(...decoded.channels.map((channel) => channel.reduce((m, v) => Math.max(m, Math.abs(v)), 0)))).toBe(
      1,
    );
    // What a second thread was handed while decoding is already clamped, and is the start of the result.
    const last = reported.at(-1)!;
    expect(last.channels).toHaveLength(c.channels);
    const seen = last.channels[0]!.length;
    expect(seen).toBeGreaterThan(0);
    expect(bitsOf(last.channels[0]!).equals(bitsOf(decoded.channels[0]!.subarray(0, seen)))).toBe(true);
  });
});

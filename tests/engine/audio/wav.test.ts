import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeAudio, decodeAudioFile, encodeWav, writeWavFile } from "../../../engine/audio/index.ts";
import { firstDifference, fixtureBytes, sine } from "./signals.ts";

describe("encodeWav", () => {
  it("round-trips a 16-bit WAV sample for sample (and byte for byte for a plain sox file)", async () => {
    const original = await fixtureBytes("sine440-stereo-44k1-s16.wav");
    const decoded = await decodeAudio(original);

    const written = encodeWav(decoded, decoded.bitDepth);
    const again = await decodeAudio(written);

    expect(again.sampleRate).toBe(44100);
    expect(again.channels).toHaveLength(2);
    expect(firstDifference(again.channels, decoded.channels)).toBe(-1);
    expect(Buffer.from(written).equals(Buffer.from(original))).toBe(true);
  });

  it("writes 16-bit by default", async () => {
    const bytes = encodeWav({ sampleRate: 8000, channels: [sine(440, 8000, 100)] });
    expect((await decodeAudio(bytes)).codecDetail).toBe("PCM 16-bit");
  });

  it.each([
    ["sine440-mono-48k-s24.wav", 24],
    ["sine440-mono-22k05-u8.wav", 16],
    ["sine440-stereo-44k1.flac", 16],
    ["sine440-mono-22k05-f32.wav", "32f"],
    ["sine440-mono-16k-s32.wav", "32f"],
  ] as const)("keeps %s exact when written at its DecodedAudio.bitDepth (%s)", async (file, depth) => {
    const decoded = await decodeAudio(await fixtureBytes(file));
    expect(decoded.bitDepth).toBe(depth);
    const again = await decodeAudio(encodeWav(decoded, decoded.bitDepth));
    expect(again.sampleRate).toBe(decoded.sampleRate);
    expect(firstDifference(again.channels, decoded.channels)).toBe(-1);
  });

  it.each([16, 24, "32f"] as const)(
    "writes six channels at %s (extensible header) and reads them back",
    async (depth) => {
      const channels = [220, 330, 440, 550, 660, 770].map((frequency) => sine(frequency, 48000, 4800));
      const back = await decodeAudio(encodeWav({ sampleRate: 48000, channels }, depth));
      expect(back.channels).toHaveLength(6);
      expect(back.sampleRate).toBe(48000);
      const tolerance = depth === 16 ? 1 / 32768 : depth === 24 ? 1 / 8388608 : 0;
      back.channels.forEach((channel, c) => {
        let worst = 0;
        for (let i = 0; i < channel.length; i++) worst = Math.max(worst, Math.abs(channel[i]! - channels[c]![i]!));
        expect(worst).toBeLessThanOrEqual(tolerance);
      });
    },
  );

  it("clamps samples outside [-1, 1] at the integer depths", async () => {
    const loud = { sampleRate: 8000, channels: [Float32Array.from([1.5, -3, 0.25, 1, -1])] };
    for (const depth of [16, 24] as const) {
      const samples = (await decodeAudio(encodeWav(loud, depth))).channels[0]!;
      expect(Math.max(...samples)).toBeLessThanOrEqual(1);
      expect(samples[1]).toBe(-1);
      expect(samples[2]).toBe(0.25);
      expect(samples[0]).toBeGreaterThan(0.9999);
    }
  });

  it("keeps overs (peaks above 1, as lossy decoders give) in 32-bit float, sample for sample", async () => {
    const overs = Float32Array.from([1.065, -1.2, 0.25, 1, -1, 3.5, Math.fround(1e-7)]);
    const back = await decodeAudio(encodeWav({ sampleRate: 44100, channels: [overs, overs.map((v) => -v)] }, "32f"));
    expect(back.bitDepth).toBe("32f");
    expect(firstDifference(back.channels, [overs, overs.map((v) => -v)])).toBe(-1);
  });

  it("refuses audio with no channels or channels of different lengths", () => {
    expect(() => encodeWav({ sampleRate: 8000, channels: [] })).toThrow(/no channels/);
    expect(() => encodeWav({ sampleRate: 8000, channels: [new Float32Array(3), new Float32Array(4)] })).toThrow(
      /same length/,
    );
  });
});

describe("writeWavFile", () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it("writes a file decodeAudioFile reads back with the same rate, channels and samples", async () => {
    const dir = await mkdtemp(join(tmpdir(), "harmonizer-wav-"));
    dirs.push(dir);
    const audio = { sampleRate: 11025, channels: [sine(440, 11025, 2000), sine(660, 11025, 2000)] };
    const path = join(dir, "out.wav");

    await writeWavFile(path, audio, "32f");

    expect((await readFile(path)).subarray(0, 4).toString("ascii")).toBe("RIFF");
    const back = await decodeAudioFile(path);
    expect(back.sampleRate).toBe(11025);
    expect(firstDifference(back.channels, audio.channels)).toBe(-1);
  });
});

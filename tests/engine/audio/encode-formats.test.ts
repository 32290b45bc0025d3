import { describe, expect, it } from "vitest";
import { decodeAudio, rms } from "../../../engine/audio/index.ts";
import { encodeAudio, OUTPUT_FORMATS, type OutputFormat } from "../../../engine/audio/encode/index.ts";
import { LAME_ENCODER_DELAY } from "../../../engine/audio/encode/lame-tag.ts";
import { dominantFrequency, firstDifference, sine } from "./signals.ts";

const RATE = 44100;
/** An odd length (not a multiple of any codec's frame) and a silent lead-in, so a shift or a cut would show. */
const FRAMES = 3 * RATE + 1237;
const ONSET = 10_000;
const FREQUENCY = 1000;

function testSignal(channels: number): Float32Array[] {
  return Array.from({ length: channels }, (_, c) => {
    const tone = sine(FREQUENCY * (1 + c * 0.5), RATE, FRAMES - ONSET, 0.5);
    const out = new Float32Array(FRAMES);
    out.set(tone, ONSET);
    return out;
  });
}

const firstLoud = (samples: Float32Array): number => samples.findIndex((value) => Math.abs(value) > 0.25);

const EXPECTED_FORMAT: Record<OutputFormat, string> = {
  wav16: "wav",
  wav24: "wav",
  wav32f: "wav",
  flac: "flac",
  mp3: "mp3",
  "ogg-vorbis": "ogg-vorbis",
  "ogg-opus": "ogg-opus",
};

describe("encodeAudio round-trips through the project's decoders", () => {
  it.each(OUTPUT_FORMATS)("%s: exact length, same start, frequency and level (stereo)", async (format) => {
    const channels = testSignal(2);
    const bytes = await encodeAudio({ sampleRate: RATE, channels }, format);
    const decoded = await decodeAudio(bytes);

    expect(decoded.format).toBe(EXPECTED_FORMAT[format]);
    // Opus always decodes at 48 kHz: the length is the same duration at that rate.
    const rate = format === "ogg-opus" ? 48_000 : RATE;
    expect(decoded.sampleRate).toBe(rate);
    expect(decoded.channels).toHaveLength(2);
    expect(decoded.channels[0]!.length).toBe(Math.round((FRAMES * rate) / RATE));

    for (const [c, channel] of decoded.channels.entries()) {
      const expectedStart = (firstLoud(channels[c]!) * rate) / RATE;
      const expectedHz = FREQUENCY * (1 + c * 0.5);
      const tail = channel.subarray(Math.round((ONSET * rate) / RATE) + 2048);
      expect(Math.abs(dominantFrequency(tail, rate) - expectedHz)).toBeLessThan(expectedHz * 0.002);
      // Level: a 0.5 sine has an RMS of 0.3536 (-9.03 dBFS); lossy codecs stay within 0.2 dB.
      expect(Math.abs(20 * Math.log10(rms(tail) / (0.5 / Math.SQRT2)))).toBeLessThan(0.2);
      // No delay added or removed: the tone starts where it started (to within a couple of samples).
      expect(Math.abs(firstLoud(channel) - expectedStart)).toBeLessThanOrEqual(2);
    }
  });

  it.each(["mp3", "ogg-vorbis", "ogg-opus", "flac"] as const)("%s: mono stays mono and exact", async (format) => {
    const bytes = await encodeAudio({ sampleRate: RATE, channels: testSignal(1) }, format);
    const decoded = await decodeAudio(bytes);
    expect(decoded.channels).toHaveLength(1);
    expect(decoded.channels[0]!.length).toBe(Math.round((FRAMES * decoded.sampleRate) / RATE));
  });

  it("FLAC at 16 bits is lossless for 16-bit audio", async () => {
    const channels = testSignal(2).map((channel) => channel.map((value) => Math.round(value * 32768) / 32768 + 0)); // + 0: no -0
    const decoded = await decodeAudio(await encodeAudio({ sampleRate: RATE, channels }, "flac", { flacBits: 16 }));
    expect(decoded.bitDepth).toBe(16);
    expect(firstDifference(decoded.channels, channels)).toBe(-1);
  });

  it("MP3 starts with a Xing frame whose LAME tag holds the encoder delay and the padding", async () => {
    const bytes = await encodeAudio({ sampleRate: RATE, channels: testSignal(2) }, "mp3");
    const text = Buffer.from(bytes.subarray(0, 200)).toString("latin1");
    const xing = text.indexOf("Xing");
    expect(xing).toBe(36); // after the MPEG-1 stereo frame header and side information
    expect(text.slice(xing + 120, xing + 129)).toBe("LAME3.100");
    const delay = (bytes[xing + 141]! << 4) | (bytes[xing + 142]! >> 4);
    const padding = ((bytes[xing + 142]! & 0x0f) << 8) | bytes[xing + 143]!;
    const frames = new DataView(bytes.buffer, bytes.byteOffset).getUint32(xing + 8);
    expect(delay).toBe(LAME_ENCODER_DELAY);
    expect(frames * 1152 - delay - padding).toBe(FRAMES);
  });

  it("MP3 at a rate MP3 cannot carry is resampled to 48 kHz, still the same duration", async () => {
    const channels = [sine(1000, 96_000, 96_000 + 77)];
    const decoded = await decodeAudio(await encodeAudio({ sampleRate: 96_000, channels }, "mp3"));
    expect(decoded.sampleRate).toBe(48_000);
    expect(decoded.channels[0]!.length).toBe(Math.round(((96_000 + 77) * 48_000) / 96_000));
  });
});

import { describe, expect, it } from "vitest";
import { decodeAudio, decodeAudioFile, durationSeconds, peak, sniffFormat } from "../../../engine/audio/index.ts";
import { encodeAudio } from "../../../engine/audio/encode/index.ts";
import { dominantFrequency, fixtureBytes, FIXTURES } from "./signals.ts";

interface Expected {
  readonly file: string;
  readonly format: string;
  readonly codecDetail: string;
  readonly sampleRate: number;
  readonly channels: number;
  readonly seconds: number;
  readonly bitDepth?: 16 | 24 | "32f";
  /** Allowed difference from the source duration (codec delay and padding not undone). */
  readonly slackSeconds?: number;
}

const FILES: readonly Expected[] = [
  {
    file: "sine440-stereo-44k1-s16.wav",
    format: "wav",
    codecDetail: "PCM 16-bit",
    sampleRate: 44100,
    channels: 2,
    seconds: 0.5,
    bitDepth: 16,
  },
  {
    file: "sine440-mono-48k-s24.wav",
    format: "wav",
    codecDetail: "PCM 24-bit",
    sampleRate: 48000,
    channels: 1,
    seconds: 0.5,
    bitDepth: 24,
  },
  {
    file: "sine440-mono-22k05-u8.wav",
    format: "wav",
    codecDetail: "PCM 8-bit",
    sampleRate: 22050,
    channels: 1,
    seconds: 1,
    bitDepth: 16,
  },
  {
    file: "sine440-mono-16k-s32.wav",
    format: "wav",
    codecDetail: "PCM 32-bit",
    sampleRate: 16000,
    channels: 1,
    seconds: 1,
    bitDepth: "32f",
  },
  {
    file: "sine440-mono-22k05-f32.wav",
    format: "wav",
    codecDetail: "IEEE float 32-bit",
    sampleRate: 22050,
    channels: 1,
    seconds: 1,
    bitDepth: "32f",
  },
  {
    file: "sine440-mono-8k-f64.wav",
    format: "wav",
    codecDetail: "IEEE float 64-bit",
    sampleRate: 8000,
    channels: 1,
    seconds: 1,
    bitDepth: "32f",
  },
  {
    file: "sine440-mono-22k05-s16-rifx.wav",
    format: "wav",
    codecDetail: "PCM 16-bit",
    sampleRate: 22050,
    channels: 1,
    seconds: 0.5,
    bitDepth: 16,
  },
  {
    file: "sine440-stereo-44k1-rf64.wav",
    format: "wav",
    codecDetail: "PCM 16-bit",
    sampleRate: 44100,
    channels: 2,
    seconds: 0.5,
    bitDepth: 16,
  },
  {
    file: "sine440-stereo-44k1.mp3",
    format: "mp3",
    codecDetail: "MPEG-1 Layer III",
    sampleRate: 44100,
    channels: 2,
    seconds: 2,
  },
  {
    file: "sine440-mono-22k05-mpeg2.mp3",
    format: "mp3",
    codecDetail: "MPEG-2 Layer III",
    sampleRate: 22050,
    channels: 1,
    seconds: 1,
    slackSeconds: 0.08,
  },
  {
    file: "sine440-stereo-44k1.ogg",
    format: "ogg-vorbis",
    codecDetail: "Vorbis",
    sampleRate: 44100,
    channels: 2,
    seconds: 2,
  },
  {
    file: "sine440-stereo-48k.opus",
    format: "ogg-opus",
    codecDetail: "Opus",
    sampleRate: 48000,
    channels: 2,
    seconds: 2,
  },
  {
    file: "sine440-stereo-44k1.flac",
    format: "flac",
    codecDetail: "FLAC 16-bit",
    sampleRate: 44100,
    channels: 2,
    seconds: 2,
    bitDepth: 16,
  },
];

describe("decodeAudio", () => {
  it.each(FILES)("decodes $file to a $sampleRate Hz, $channels-channel, $seconds s 440 Hz tone", async (expected) => {
    const bytes = await fixtureBytes(expected.file);
    expect(sniffFormat(bytes)).toBe(expected.format);

    const audio = await decodeAudio(bytes);

    expect(audio.format).toBe(expected.format);
    expect(audio.codecDetail).toBe(expected.codecDetail);
    expect(audio.bitDepth).toBe(expected.bitDepth);
    expect(audio.sampleRate).toBe(expected.sampleRate);
    expect(audio.channels).toHaveLength(expected.channels);
    // Gapless decoding (LAME tag, Ogg granule positions) gives the source length back within a frame;
    // the MPEG-2 file's encoder delay and padding (about 1,500 samples) stay in.
    expect(Math.abs(durationSeconds(audio) - expected.seconds)).toBeLessThan(expected.slackSeconds ?? 0.03);
    for (const channel of audio.channels) {
      expect(channel).toHaveLength(audio.channels[0]!.length);
      expect(dominantFrequency(channel, audio.sampleRate, Math.round(0.05 * audio.sampleRate))).toBeCloseTo(440, 0);
      // Written at half scale: the decoded level must say so (lossy codecs overshoot a little).
      expect(peak(channel)).toBeGreaterThan(0.45);
      expect(peak(channel)).toBeLessThan(0.56);
    }
  });

  it.each(["sine440-stereo-44k1-s16.wav", "sine440-stereo-44k1.flac", "sine440-stereo-44k1-rf64.wav"])(
    "reads 16-bit lossless %s exactly: every sample is a whole multiple of 1/32768",
    async (file) => {
      const audio = await decodeAudio(await fixtureBytes(file));
      const offGrid = audio.channels[0]!.filter((value) => !Number.isInteger(value * 32768));
      expect(offGrid).toHaveLength(0);
    },
  );

  it("reads a streamed WAV whose size fields say 0xFFFFFFFF (as ffmpeg writes to a pipe) to its end", async () => {
    const bytes = Uint8Array.from(await fixtureBytes("sine440-stereo-44k1-s16.wav"));
    const view = new DataView(bytes.buffer);
    view.setUint32(4, 0xffffffff, true); // RIFF size
    view.setUint32(40, 0xffffffff, true); // data size (sox's plain header: "data" at 36)
    const audio = await decodeAudio(bytes);
    expect(audio.channels[0]).toHaveLength(22050);
  });

  it("clamps a loud MP3 to [-1, 1] whether its samples are reported while it decodes or not", async () => {
    // A full-scale square wave: the decoded MP3 overshoots ±1 all through, before and after the last report.
    const square = Float32Array.from({ length: 44_100 * 5 + 1234 }, (_, i) => (Math.floor(i / 50) % 2 ? 1 : -1));
    const bytes = await encodeAudio({ sampleRate: 44_100, channels: [square, square.map((v) => -v)] }, "mp3");
    let reports = 0;
    const reported = await decodeAudio(bytes, { onSamples: () => reports++ });
    const plain = await decodeAudio(bytes);
    expect(reports).toBeGreaterThan(2);
    for (const [c, channel] of reported.channels.entries()) {
      const other = plain.channels[c]!;
      expect(channel.length).toBe(other.length);
      expect(channel.filter((v, i) => !Object.is(v, other[i])).length).toBe(0);
      const tail = channel.subarray(channel.length - 10_000);
      expect(tail.filter((v) => Math.abs(v) === 1).length).toBeGreaterThan(100);
      expect(peak(channel)).toBe(1);
    }
  });

  it.each(["mp3", "ogg-vorbis", "ogg-opus"] as const)(
    "%s: keeps the decoder's own peak above full scale (what players hear), reported while decoding or not",
    async (format) => {
      const square = Float32Array.from({ length: 44_100 * 5 + 1234 }, (_, i) => (Math.floor(i / 50) % 2 ? 1 : -1));
      const bytes = await encodeAudio({ sampleRate: 44_100, channels: [square, square.map((v) => -v)] }, format);
      const reported = await decodeAudio(bytes, { onSamples: () => {} });
      const plain = await decodeAudio(bytes);
      expect(plain.peakBeforeClamp).toBeGreaterThan(1.05);
      expect(reported.peakBeforeClamp).toBe(plain.peakBeforeClamp);
      expect(Math.max(...plain.channels.map((c) => peak(c)))).toBe(1);
    },
  );

  it("decodeAudioFile reads a path", async () => {
    const audio = await decodeAudioFile(`${FIXTURES}sine440-stereo-44k1.ogg`);
    expect(audio.format).toBe("ogg-vorbis");
    expect(audio.sampleRate).toBe(44100);
  });
});

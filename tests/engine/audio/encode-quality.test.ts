import { describe, expect, it } from "vitest";
import { decodeAudio } from "../../../engine/audio/index.ts";
import { encodeAudio, inputKbps, type LossySetting } from "../../../engine/audio/encode/index.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { withLossyHeadroom } from "../../../engine/audio/encode/headroom.ts";
import { integratedLufs } from "../../../engine/audio/loudness.ts";
import { streamOf } from "../../../engine/audio/stream.ts";
import { runExtensionJob } from "../../../engine/job.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const kbpsOf = (bytes: Uint8Array, seconds: number) => (bytes.length * 8) / seconds / 1000;

/** A 24 s song mastered loud: driven into tanh, peaking at 0.999 (a limiter's flat tops, as real masters have). */
function loudSong(): PcmAudio {
  const song = synthesizeSong({ seconds: 24, sampleRate: 44100, seed: 7 });
  for (const c of song.channels) for (let i = 0; i < c.length; i++) c[i] = Math.tanh(4 * c[i]!);
  const top = Math.max(...song.channels.map((c) => c.reduce((m, x) => Math.max(m, Math.abs(x)), 0)));
  for (const c of song.channels) for (let i = 0; i < c.length; i++) c[i] = (0.999 * c[i]!) / top;
  return song;
}

async function extendLossy(song: PcmAudio, setting: LossySetting, qualityKbps?: number) {
  const bytes = await encodeAudio(song, setting.format, { setting });
  const input = await decodeAudio(bytes);
  const job = await runExtensionJob({
    bytes,
    targetSeconds: 40,
    engine: "remix",
    measure: false,
    picture: false,
    qualityKbps,
  });
  return { bytes, input, job, output: await decodeAudio(job.encoded) };
}

describe("a lossy result is re-encoded at the input's quality", () => {
  it("a 320 kbit/s Vorbis comes back near 320 kbit/s, not at quality 6 (about 200)", async () => {
    const song = synthesizeSong({ seconds: 24, sampleRate: 44100, seed: 3 });
    const { bytes, input, job } = await extendLossy(song, { format: "ogg-vorbis", quality: 9 });
    const own = inputKbps(bytes, input)!;
    expect(own).toBeGreaterThan(280);
    expect(kbpsOf(job.encoded, 40)).toBeGreaterThan(0.9 * own);
    expect(job.report.encoding?.reason).toBe(`the input's ${Math.round(own)} kbit/s`);
    expect(job.report.encoding?.setting).toMatch(/^quality \d/);
  }, 180_000);

  it("a 128 kbit/s MP3 comes back near 128 kbit/s, not at -V 0 (about 250); --quality asks for another", async () => {
    const song = synthesizeSong({ seconds: 24, sampleRate: 44100, seed: 3 });
    const { job } = await extendLossy(song, { format: "mp3", cbrKbps: 128 });
    expect(kbpsOf(job.encoded, 40)).toBeGreaterThan(115);
    expect(kbpsOf(job.encoded, 40)).toBeLessThan(150);
    const asked = await extendLossy(song, { format: "mp3", cbrKbps: 128 }, 256);
    expect(kbpsOf(asked.job.encoded, 40)).toBeGreaterThan(230);
    expect(asked.job.report.encoding?.reason).toBe("--quality 256");
  }, 180_000);
});

describe("a lossy result keeps the song's level", () => {
  it("a loud Vorbis whose decode peaks above full scale comes back as loud as the song, not lowered", async () => {
    const song = loudSong();
    for (const c of song.channels) for (let i = 0; i < c.length; i++) c[i]! *= 1.3; // +2.3 dBFS, as Castle.ogg's +1.9
    const { input, job, output } = await extendLossy(song, { format: "ogg-vorbis", quality: 6 });
    const firstPart = { ...output, channels: output.channels.map((c) => c.subarray(0, input.channels[0]!.length)) };
    // Lowered to -1 dBFS as before, this came back 1 dB quieter (and more where the decode peaked above 1).
    expect(Math.abs(integratedLufs(firstPart) - integratedLufs(input))).toBeLessThan(0.5);
    expect(job.report.encoding!.headroomDb).toBe(0);
    expect(job.report.encoding!.headroomTo).toBe("the song");
    expect(input.peakBeforeClamp).toBeGreaterThan(1.2);
  }, 180_000);

  it("a result that would peak above the song is lowered to the song's peak, a quiet song's to -1 dBFS", () => {
    const stream = (top: number) => streamOf({ sampleRate: 8000, channels: [Float32Array.from([0.1, -top, 0.2])] });
    const overSong = withLossyHeadroom(stream(1.2), 0.95);
    expect(overSong.gainDb).toBeCloseTo(20 * Math.log10(0.95 / 1.2), 6);
    expect(overSong.to).toBe("the song");
    expect(overSong.stream.read(0, 3)[0]![1]).toBeCloseTo(-0.95, 6);
    const quiet = withLossyHeadroom(stream(1), 0.5);
    expect(quiet.gainDb).toBeCloseTo(-1, 6);
    expect(quiet.to).toBe("-1 dBFS");
    expect(withLossyHeadroom(stream(1), 1).gainDb).toBe(0);
  });

  it("a quiet song keeps its level: no headroom where none is needed", async () => {
    const song = synthesizeSong({ seconds: 24, sampleRate: 44100, seed: 3 });
    for (const c of song.channels) {
      const top = c.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      for (let i = 0; i < c.length; i++) c[i]! *= 0.5 / top;
    }
    const { job } = await extendLossy(song, { format: "ogg-opus", bitrate: 128_000 });
    expect(job.report.encoding!.headroomDb).toBe(0);
  }, 180_000);
});

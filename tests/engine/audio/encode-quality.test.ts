import { describe, expect, it } from "vitest";
import { decodeAudio } from "../../../engine/audio/index.ts";
import { encodeAudio, inputKbps, type LossySetting } from "../../../engine/audio/encode/index.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { runExtensionJob } from "../../../engine/job.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const kbpsOf = (bytes: Uint8Array, seconds: number) => (bytes.length * 8) / seconds / 1000;
const overs = (audio: PcmAudio) =>
  audio.channels.reduce((n, c) => n + c.reduce((m, x) => m + (Math.abs(x) >= 1 ? 1 : 0), 0), 0);

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

describe("a lossy re-encode adds no samples beyond full scale", () => {
  it("a loud Vorbis extended decodes with no more full-scale samples than the result's copies of the input hold", async () => {
    const { job, output } = await extendLossy(loudSong(), { format: "ogg-vorbis", quality: 9 });
    // Encoded at full level, this result decoded to about 4x the full-scale samples of the result itself.
    expect(overs(output)).toBeLessThanOrEqual(overs(job.audio));
    expect(job.report.encoding!.headroomDb).toBeLessThan(0);
    expect(job.report.encoding!.headroomDb).toBeGreaterThanOrEqual(-1.01);
  }, 180_000);

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

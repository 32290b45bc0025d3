import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { mulberry32 } from "../../../engine/random.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { clickSong } from "./signals.ts";

const rate = 22050;

/** Strings-like legato at 120 BPM: a note per beat with a 60 ms attack that rings into the next, over a chord pad. */
function legatoSong(seconds: number, seed: number): PcmAudio {
  const random = mulberry32(seed);
  const n = Math.round(seconds * rate);
  const out = new Float32Array(n);
  const beat = 0.5 * rate;
  const scale = [0, 2, 4, 5, 7, 9, 11, 12];
  for (let start = 0; start < n; start += beat) {
    const f = 220 * 2 ** (scale[Math.floor(random() * scale.length)]! / 12);
    const amp = 0.15 + 0.1 * random();
    for (let i = 0; i < beat + 0.3 * rate && start + i < n; i++) {
      const t = i / rate;
      const envelope = Math.min(1, t / 0.06) * (i < beat ? 1 : Math.exp(-(i - beat) / (0.08 * rate)));
      let v = 0;
      for (let h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * f * h * t) / h;
      out[start + i]! += 0.5 * amp * envelope * v;
    }
  }
  for (let bar = 0; bar * 4 * beat < n; bar++) {
    const root = 110 * 2 ** (scale[Math.floor(random() * 6)]! / 12);
    for (let i = 0; i < 4 * beat && bar * 4 * beat + i < n; i++) {
      const t = (bar * 4 * beat + i) / rate;
      const envelope = Math.min(1, i / (0.1 * rate));
      out[bar * 4 * beat + i]! +=
        0.08 * envelope * (Math.sin(2 * Math.PI * root * t) + Math.sin(2 * Math.PI * 1.5 * root * t));
    }
  }
  return { sampleRate: rate, channels: [out, out.slice()] };
}

describe("joins in music with soft attacks", () => {
  test("are blended over 120 ms, and the seams' spectral jump stays within what the song itself does", async () => {
    const song = legatoSong(60, 1);
    const result = await remixExtend(song, { targetSeconds: 180, fadeOutSeconds: 4, crossfadeSeconds: 0.02, seed: 1 });
    expect(result.notes[0]).toMatch(/beats at 120\.\d BPM/);
    const blend = /soft attacks \(onset strength 0\.\d+\): joins blended over (\d+) ms/.exec(result.notes.join("\n"));
    expect(Number(blend?.[1])).toBe(120);
    const report = await measureExtension({
      original: song,
      result: result.audio,
      seams: result.seams,
      introSeconds: result.introSeconds,
    });
    expect(report.clicksAtSeams).toBe(0);
    // 20 ms crossfades measure 1.27 here: the switch between two sustained notes is heard.
    expect(report.seamFluxZ!).toBeLessThan(1);
  });

  test("a song with sharp attacks keeps the short crossfade asked for", async () => {
    const song = clickSong({ seconds: 40, seed: 3 });
    const result = await remixExtend(song, { targetSeconds: 90, fadeOutSeconds: 4, crossfadeSeconds: 0.02, seed: 1 });
    expect(result.notes.join("\n")).not.toMatch(/soft attacks/);
  });
});

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MonoLoader } from "../../../engine/training/cache.ts";

/**
 * A learnable signal: each file repeats one waveform (two harmonics whose mix depends on the file's number) with a
 * period of 1.7 s, so its next 10 s follow exactly from the last 20 s while windows a whole number of seconds apart
 * still differ in phase. Names look like "song-3.wav".
 */
export const periodicLoader =
  (seconds: number): MonoLoader =>
  async (file, sampleRate) => {
    const n = Number(/(\d+)\.\w+$/.exec(file)?.[1] ?? 0);
    const mix = (n % 7) / 6; // 0..1
    const amplitude = 0.2 + 0.1 * (n % 3);
    return Float32Array.from({ length: seconds * sampleRate }, (_, i) => {
      const phase = (2 * Math.PI * i) / (1.7 * sampleRate);
      return amplitude * ((1 - mix) * Math.sin(phase) + mix * Math.sin(2 * phase + 1));
    });
  };

/** Creates placeholder audio files song-0.wav .. song-(count-1).wav (their contents come from a loader). */
export async function placeholderFiles(dir: string, count: number, ext = "wav"): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => `song-${i}.${ext}`);
  for (const name of names) await writeFile(path.join(dir, name), "placeholder");
  return names;
}

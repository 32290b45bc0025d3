import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { decodeAudioFile } from "../audio/decode.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import { namingFile } from "../errors.ts";
import { FEATURE_SIZE, SECOND_FRAMES_VERSION, secondFrames } from "../analysis/second-frames.ts";
import type { FileFrames } from "./feature-windows.ts";

/** Reads an audio file as PCM (default: engine/audio's decoder). Tests pass synthetic loaders. */
export type PcmLoader = (file: string) => Promise<PcmAudio>;

/**
 * secondFrames of `source`, computed once and kept in cacheDir as raw float32 ([seconds * FEATURE_SIZE]); later
 * calls and later runs read the cache file. The key covers the absolute path, size, modification time and the
 * feature version, so an edited file or a changed feature definition is computed again.
 */
export async function cachedSecondFrames(
  source: string,
  cacheDir: string,
  load: PcmLoader = decodeAudioFile,
): Promise<Float32Array[]> {
  const info = await stat(source);
  const key = createHash("sha1")
    .update(`${path.resolve(source)}\0${info.size}\0${info.mtimeMs}\0${SECOND_FRAMES_VERSION}\0${FEATURE_SIZE}`)
    .digest("hex")
    .slice(0, 16);
  const file = path.join(
    cacheDir,
    `${path.basename(source).replace(/[^\w.-]/g, "_")}.${SECOND_FRAMES_VERSION}.${key}.f32`,
  );
  const cached = await readFile(file).catch(() => undefined);
  if (cached !== undefined) return splitFrames(new Float32Array(Uint8Array.from(cached).buffer));

  const frames = secondFrames(await load(source).catch(namingFile(source)));
  const flat = new Float32Array(frames.length * FEATURE_SIZE);
  frames.forEach((frame, k) => {
    flat.set(frame, k * FEATURE_SIZE);
  });
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, new Uint8Array(flat.buffer));
  await rename(tmp, file);
  return frames;
}

/** [seconds * FEATURE_SIZE] -> [seconds][FEATURE_SIZE] (copies, so each frame owns its buffer). */
function splitFrames(flat: Float32Array): Float32Array[] {
  const frames: Float32Array[] = [];
  for (let k = 0; k + FEATURE_SIZE <= flat.length; k += FEATURE_SIZE) frames.push(flat.slice(k, k + FEATURE_SIZE));
  return frames;
}

/** Second frames of every named file under dataDir through the cache, reporting progress after each file. */
export async function loadFileFrames(
  dataDir: string,
  names: readonly string[],
  options: { cacheDir: string; load?: PcmLoader; onFile?: (done: number, total: number) => void },
): Promise<FileFrames[]> {
  const out: FileFrames[] = [];
  for (const [i, name] of names.entries()) {
    out.push({ name, frames: await cachedSecondFrames(path.join(dataDir, name), options.cacheDir, options.load) });
    options.onFile?.(i + 1, names.length);
  }
  return out;
}

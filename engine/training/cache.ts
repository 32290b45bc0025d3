import { createHash } from "node:crypto";
import { mkdir, open, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { decodeAudioFile, monoAt } from "../audio/index.ts";
import { namingFile } from "../errors.ts";

/** Reads an audio file as mono float32 at `sampleRate`. */
export type MonoLoader = (file: string, sampleRate: number) => Promise<Float32Array>;

export const decodeMono: MonoLoader = async (file, sampleRate) => monoAt(await decodeAudioFile(file), sampleRate);

/** A decoded file in the cache: raw little-endian float32 mono samples at the model rate. */
export interface CachedAudio {
  /** Path of the source audio file. */
  readonly source: string;
  /** Path of the .f32 cache file. */
  readonly file: string;
  readonly samples: number;
  readonly sampleRate: number;
}

/**
 * Decodes `source` once and keeps it as float32 in cacheDir; later calls (and later runs) reuse the cache file.
 * The key covers the absolute path, size, modification time and sample rate, so an edited file is decoded again.
 */
export async function cacheAudio(
  source: string,
  sampleRate: number,
  cacheDir: string,
  load: MonoLoader = decodeMono,
): Promise<CachedAudio> {
  const info = await stat(source);
  const key = createHash("sha1")
    .update(`${path.resolve(source)}\0${info.size}\0${info.mtimeMs}\0${sampleRate}`)
    .digest("hex")
    .slice(0, 16);
  const file = path.join(cacheDir, `${path.basename(source).replace(/[^\w.-]/g, "_")}.${sampleRate}hz.${key}.f32`);
  const cached = await stat(file).catch(() => undefined);
  if (cached?.isFile()) return { source, file, samples: cached.size / 4, sampleRate };

  const mono = await load(source, sampleRate).catch(namingFile(source));
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, new Uint8Array(mono.buffer, mono.byteOffset, mono.byteLength));
  await rename(tmp, file);
  return { source, file, samples: mono.length, sampleRate };
}

/** Reads `length` samples starting at sample `start` of a cache file, without loading the rest. */
export async function readCachedSamples(cached: CachedAudio, start: number, length: number): Promise<Float32Array> {
  const out = new Float32Array(length);
  const handle = await open(cached.file, "r");
  try {
    const bytes = new Uint8Array(out.buffer);
    const { bytesRead } = await handle.read(bytes, 0, bytes.byteLength, start * 4);
    if (bytesRead !== bytes.byteLength)
      throw new Error(`${cached.file} is truncated: read ${bytesRead} of ${bytes.byteLength} bytes`);
  } finally {
    await handle.close();
  }
  return out;
}

import { existsSync } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { decodeAudioFile } from "#engine/audio/decode.ts";
import { monoAt } from "#engine/audio/mono.ts";

/** The committed split of the real corpus (scripts/corpus-split.json). */
export const DEFAULT_SPLIT_FILE = fileURLToPath(new URL("./corpus-split.json", import.meta.url));

const noteSchema = z.object({ file: z.string(), seconds: z.number(), reason: z.string() });
const splitFileSchema = z.object({
  musicDir: z.string(),
  train: z.array(z.string()),
  validation: z.array(z.string()),
  test: z.array(z.string()),
  short: z.array(noteSchema),
  rejects: z.array(noteSchema),
});

/** Absolute paths of the corpus tracks in each split. */
export interface CorpusSplit {
  readonly train: readonly string[];
  readonly validation: readonly string[];
  readonly test: readonly string[];
  /** Too short for training or scoring (20-60 s), kept for near-limit input tests. */
  readonly short: readonly string[];
  /** Files the engine refuses (under 20 s, silent). */
  readonly rejects: readonly string[];
}

/**
 * Reads the fixed by-file split and resolves it against `corpusDir` (the folder that
 * scripts/fetch-corpus.sh filled). Throws when the split lists a file twice or a file is missing.
 */
export async function loadCorpusSplit(corpusDir: string, splitFile = DEFAULT_SPLIT_FILE): Promise<CorpusSplit> {
  const parsed = splitFileSchema.parse(JSON.parse(await readFile(splitFile, "utf8")));
  const musicDir = resolve(corpusDir, parsed.musicDir);
  if (!existsSync(musicDir)) {
    throw new Error(`no corpus at ${musicDir}: run scripts/fetch-corpus.sh ${corpusDir}`);
  }
  const names = {
    train: parsed.train,
    validation: parsed.validation,
    test: parsed.test,
    short: parsed.short.map((note) => note.file),
    rejects: parsed.rejects.map((note) => note.file),
  };
  const all = Object.values(names).flat();
  const duplicates = all.filter((name, index) => all.indexOf(name) !== index);
  if (duplicates.length > 0) throw new Error(`${splitFile} lists ${duplicates.join(", ")} in more than one place`);
  const missing = all.filter((name) => !existsSync(join(musicDir, name)));
  if (missing.length > 0) {
    throw new Error(
      `corpus at ${musicDir} lacks ${missing.length} file(s): ${missing.join(", ")}; run scripts/fetch-corpus.sh again`,
    );
  }
  const absolute = (files: readonly string[]) => files.map((name) => join(musicDir, name));
  return {
    train: absolute(names.train),
    validation: absolute(names.validation),
    test: absolute(names.test),
    short: absolute(names.short),
    rejects: absolute(names.rejects),
  };
}

export interface DecodeCacheOptions {
  /** Where the float32 files go; default: a `.cache` folder next to the audio file. */
  readonly cacheDir?: string;
}

/** Cache file of `audioPath` at `rate`: raw little-endian float32 mono samples. */
export function cachePath(audioPath: string, rate: number, options: DecodeCacheOptions = {}): string {
  const dir = options.cacheDir ?? join(dirname(audioPath), ".cache");
  return join(dir, `${basename(audioPath)}.${rate}hz.mono.f32`);
}

async function isFresh(cacheFile: string, audioPath: string): Promise<boolean> {
  try {
    const [cached, source] = await Promise.all([stat(cacheFile), stat(audioPath)]);
    return cached.mtimeMs >= source.mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Mono samples of an audio file at `rate`: decoded, downmixed and resampled once, then read
 * from the cache (re-made when the audio file is newer). Written atomically, so concurrent
 * runs never read half a file.
 */
export async function decodeCached(
  audioPath: string,
  rate: number,
  options: DecodeCacheOptions = {},
): Promise<Float32Array> {
  const cacheFile = cachePath(audioPath, rate, options);
  if (await isFresh(cacheFile, audioPath)) {
    const bytes = await readFile(cacheFile);
    // A Float32Array view needs 4-byte alignment; copy in the rare case the Buffer is not aligned.
    if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    return new Float32Array(Uint8Array.from(bytes).buffer);
  }
  const mono = await monoAt(await decodeAudioFile(audioPath), rate);
  await mkdir(dirname(cacheFile), { recursive: true });
  const partial = `${cacheFile}.${process.pid}.partial`;
  await writeFile(partial, new Uint8Array(mono.buffer, mono.byteOffset, mono.byteLength));
  await rename(partial, cacheFile);
  return mono;
}

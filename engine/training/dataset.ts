import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { HarmonizerInputError } from "../errors.ts";
import { fileErrorReason } from "../file-errors.ts";
import { mulberry32 } from "../random.ts";

export const AUDIO_EXTENSIONS = [".wav", ".mp3", ".ogg", ".opus", ".flac"] as const;

/** Audio files under dir (recursively, following symbolic links), as sorted paths relative to dir. */
export async function listAudioFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    const reason = fileErrorReason(error, "folder") ?? (error as Error).message;
    throw new HarmonizerInputError("NOT_AUDIO", `cannot read the training data folder ${dir}: ${reason}`, {
      cause: error,
    });
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (!AUDIO_EXTENSIONS.some((ext) => entry.toLowerCase().endsWith(ext))) continue;
    const info = await stat(path.join(dir, entry)).catch(() => undefined); // stat follows links; dangling links are skipped
    if (info?.isFile()) found.push(entry.split(path.sep).join("/"));
  }
  return found.sort();
}

export interface DataSplit {
  readonly train: readonly string[];
  readonly validation: readonly string[];
  readonly test: readonly string[];
}

export interface SplitOptions {
  /** Share of files held out for testing (the seed: 0.2). */
  readonly testFraction?: number;
  /** Share of the remaining files used for validation (the seed: 0.2). */
  readonly validationFraction?: number;
  /** Seed of the shuffle, so every run sees the same split. */
  readonly seed?: number;
}

export const DEFAULT_SPLIT_SEED = 20_240_601;

/**
 * Splits files BY FILE (never by window) as the seed does: test = ceil(testFraction * n) files, then validation =
 * ceil(validationFraction * rest), the others train. Deterministic: a seeded shuffle of the sorted names.
 */
export function splitFiles(files: readonly string[], options: SplitOptions = {}): DataSplit {
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0.2;
  const shuffled = seededShuffle([...new Set(files)].sort(), options.seed ?? DEFAULT_SPLIT_SEED);
  const testCount = Math.ceil(testFraction * shuffled.length);
  const validationCount = Math.ceil(validationFraction * (shuffled.length - testCount));
  const split = {
    test: shuffled.slice(0, testCount).sort(),
    validation: shuffled.slice(testCount, testCount + validationCount).sort(),
    train: shuffled.slice(testCount + validationCount).sort(),
  };
  if (split.train.length === 0) {
    throw new HarmonizerInputError(
      "TOO_SHORT",
      `${files.length} audio ${files.length === 1 ? "file leaves" : "files leave"} none for training after holding out ` +
        `${testCount} for test and ${validationCount} for validation; at least 3 are needed, or a split of your own ` +
        "(--split FILE: JSON {train, validation, test})",
    );
  }
  return split;
}

const SplitFileSchema = z.object({
  train: z.array(z.string()).min(1),
  validation: z.array(z.string()),
  test: z.array(z.string()),
});

/** Reads an explicit split: JSON { train: [...], validation: [...], test: [...] } of paths relative to the data folder. */
export async function readSplitFile(file: string): Promise<DataSplit> {
  try {
    return SplitFileSchema.parse(JSON.parse(await readFile(file, "utf8")));
  } catch (error) {
    const reason = fileErrorReason(error) ?? (error as Error).message.split("\n")[0];
    throw new HarmonizerInputError("NOT_AUDIO", `cannot use split file ${file}: ${reason}`, { cause: error });
  }
}

/** Fisher–Yates with mulberry32: the same order for the same seed on every machine. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

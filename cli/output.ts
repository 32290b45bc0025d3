import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { isSignedByHarmonizer } from "#engine";
import { type FileHandle, mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, parse, resolve } from "node:path";
import { SONG_EXTENSIONS } from "./folder.ts";
import { removeOnInterrupt } from "./interrupt.ts";
import { UsageError } from "./options.ts";

/** The files `harmonizer extend` writes for one -o: the WAV, and beside it the picture and the report. */
export interface OutputPaths {
  readonly audio: string;
  readonly picture: string;
  readonly report: string;
}

export function outputPaths(output: string): OutputPaths {
  const base = join(dirname(output), parse(output).name);
  return { audio: output, picture: `${base}.png`, report: `${base}.report.json` };
}

/** The path with symbolic links resolved as far as it exists, so two spellings of one file compare equal. */
function canonical(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(canonical(parent), basename(absolute));
  }
}

/** The path's stat, or undefined when there is nothing there (or a file stands where a folder should be). */
function statOrUndefined(path: string): ReturnType<typeof statSync> {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

const isDirectory = (path: string): boolean => statOrUndefined(path)?.isDirectory() ?? false;

/**
 * Refuses, before any work, an -o the job could not write or should not: an existing directory or a path ending
 * with a separator, or a path that is the input itself (which would be overwritten). `written` are the files that will be written (see outputPaths).
 */
export function checkOutputPaths(input: string, output: string, written: readonly string[]): void {
  // The input's own extension, which keeps its format (an Ogg song's suggestion was a 32-bit float .wav).
  const { name, ext } = parse(input);
  const own = (SONG_EXTENSIONS as readonly string[]).includes(ext.toLowerCase()) ? ext : ".wav";
  const example = () => join(output, `${name}-extended${own}`);
  if (isDirectory(output)) {
    throw new UsageError(`-o ${output} is a folder; give a file name for the extended song, e.g. -o ${example()}`);
  }
  // "newdir/" that does not exist yet: without this, the song would be written as the hidden file newdir/.wav.
  if (/[\\/]$/.test(output)) {
    throw new UsageError(
      `-o ${output} ends with "${output.at(-1)}", so it names a folder; give a file name for the extended song, e.g. -o ${example()}`,
    );
  }
  const source = canonical(input);
  for (const path of written) {
    if (canonical(path) === source) {
      throw new UsageError(`-o ${output} would overwrite the input ${input}; choose another output file`);
    }
    if (isDirectory(path)) throw new UsageError(`${path} is a folder, so it cannot be written beside -o ${output}`);
  }
  const blocker = fileInTheWay(dirname(resolve(output)));
  if (blocker !== undefined) throw new UsageError(`cannot write -o ${output}: ${blocker} is a file, not a folder`);
}

/**
 * Refuses, before any work, to replace an existing file at -o (another song, notes, an earlier result) unless
 * --force asks for it: a user's file is never replaced by surprise.
 */
export function refuseExistingOutput(output: string, force: boolean, inFolder = false): void {
  if (force || !statOrUndefined(output)?.isFile()) return;
  // With a folder as input, -o names the folder: the file is the song's result in it.
  const [what, instead] = inFolder ? ["its result", "choose another -o folder"] : ["-o", "choose another output file"];
  throw new UsageError(`${what} ${output} already exists; ${instead}, or pass --force to replace it`);
}

/**
 * Refuses, before any work, to replace a file beside the output that the harmonizer did not write (a cover image
 * called song.png, notes in song.html): the picture, report and page are replaced only when they carry its mark.
 */
export function refuseForeignFiles(besides: readonly string[]): void {
  for (const path of besides) {
    if (!statOrUndefined(path)?.isFile() || isSignedByHarmonizer(firstBytes(path, 4096))) continue;
    throw new UsageError(
      `${path} already exists and was not written by the harmonizer; move it, choose another -o, or turn that file off (--no-picture, --no-report, --no-page)`,
    );
  }
}

/**
 * Refuses, before any work, to take the picture, report and page of another result: `take.flac` and `-o take.wav`
 * share `take.png`, `take.report.json` and `take.html`, and replacing them would leave take.flac described by
 * nothing, or by the new result. --force replaces them.
 */
export function refuseOtherResults(input: string, output: string, besides: readonly string[], force: boolean): void {
  if (force) return;
  const ours = besides.filter(
    (path) => statOrUndefined(path)?.isFile() && isSignedByHarmonizer(firstBytes(path, 4096)),
  );
  if (ours.length === 0) return;
  const { dir, name } = parse(output);
  const mine = [canonical(output), canonical(input)];
  const other = SONG_EXTENSIONS.map((extension) => join(dir, name + extension)).find(
    (path) => statOrUndefined(path)?.isFile() && !mine.includes(canonical(path)),
  );
  if (other === undefined) return;
  throw new UsageError(
    `${listed(ours.map((path) => basename(path)))} ${ours.length === 1 ? "was" : "were"} written beside ${basename(other)} (the same name); -o ${output} would replace ${ours.length === 1 ? "it" : "them"}: choose another -o, or pass --force to replace ${ours.length === 1 ? "it" : "them"}`,
  );
}

const listed = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;

/**
 * The harmonizer's own files beside -o that this run does not rewrite (`turnedOff`, each with the flag that turned it
 * off): left from an earlier run, they describe that result, not the one just written.
 */
export function staleFiles(turnedOff: readonly (readonly [string, string])[]): (readonly [string, string])[] {
  return turnedOff.filter(([path]) => statOrUndefined(path)?.isFile() && isSignedByHarmonizer(firstBytes(path, 4096)));
}

/** The warning for one file staleFiles found. */
export const staleWarning = ([path, flag]: readonly [string, string]): string =>
  `${path} is from an earlier run and describes that result, not this one (${flag})`;

function firstBytes(path: string, count: number): Uint8Array {
  const buffer = new Uint8Array(count);
  const fd = openSync(path, "r");
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, count, 0));
  } finally {
    closeSync(fd);
  }
}

/** The nearest existing ancestor of `folder` when it is a file (so the folder cannot be created), else undefined. */
function fileInTheWay(folder: string): string | undefined {
  const info = statOrUndefined(folder);
  if (info !== undefined) return info.isDirectory() ? undefined : folder;
  const parent = dirname(folder);
  return parent === folder ? undefined : fileInTheWay(parent);
}

/**
 * Writes `data` to `path` so that `path` only ever holds a complete file: the bytes go to a hidden temporary file in
 * the same folder, which is renamed over `path` once written. On a failure or Ctrl-C the temporary file is removed.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | AsyncIterable<Uint8Array>,
): Promise<void> {
  const file = await openFileAtomic(path);
  try {
    await writeFile(file.handle, data);
    await file.commit();
  } finally {
    await file.abort();
  }
}

/** A file being written beside `path` (see writeFileAtomic): commit renames it into place, abort removes it. */
export interface AtomicFile {
  readonly handle: FileHandle;
  /** The bytes written so far, appended to and patched in place (an engine OutputSink). */
  readonly sink: { write(bytes: Uint8Array): Promise<void>; patch(offset: number, bytes: Uint8Array): Promise<void> };
  commit(): Promise<void>;
  /** Removes the temporary file unless committed; safe to call after commit. */
  abort(): Promise<void>;
}

/** Opens the hidden temporary file for `path`; Ctrl-C removes it until it is committed or aborted. */
export async function openFileAtomic(path: string): Promise<AtomicFile> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString("hex")}.partial`);
  const interrupt = removeOnInterrupt(temporary);
  const handle = await open(temporary, "wx").catch((error: unknown) => {
    interrupt.done();
    throw asErrorWriting(error, path);
  });
  let position = 0;
  let done = false;
  const settle = async (finish: () => Promise<void>) => {
    if (done) return;
    done = true;
    try {
      await handle.close();
      await finish();
    } finally {
      interrupt.done();
    }
  };
  return {
    handle,
    sink: {
      write: async (bytes) => {
        await handle.write(bytes, 0, bytes.length, position);
        position += bytes.length;
      },
      patch: async (offset, bytes) => {
        await handle.write(bytes, 0, bytes.length, offset);
      },
    },
    commit: () =>
      settle(async () => {
        await rename(temporary, path).catch(async (error: unknown) => {
          await rm(temporary, { force: true });
          throw error;
        });
      }),
    abort: () => settle(() => rm(temporary, { force: true })),
  };
}

/** A failure to create the hidden temporary file, told about the file the user named (the hidden name means nothing). */
function asErrorWriting(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string") return error;
  return Object.assign(new Error(`cannot write ${path}: ${code}`, { cause: error }), { code, syscall: "write", path });
}

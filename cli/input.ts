import { readFile, stat } from "node:fs/promises";
import { HarmonizerInputError } from "#engine";
import { describeFileError } from "../engine/file-errors.ts";

/**
 * The input a command was given must be there: a path that cannot be found is refused before any work, in words and
 * naming it ("cannot read a.wav: no such file or folder"), with exit code 2 like every refusal of bad input.
 */
export async function requireInputPath(path: string): Promise<void> {
  await stat(path).catch((cause: unknown) => {
    throw unreadable(cause, path);
  });
}

/** The bytes of an input file; a path that cannot be read (missing, a folder, no permission) is refused as above. */
export async function readInputFile(path: string): Promise<Uint8Array> {
  return readFile(path).catch((cause: unknown) => {
    throw unreadable(cause, path);
  });
}

function unreadable(cause: unknown, path: string): HarmonizerInputError {
  const message = describeFileError(cause, "read", path) ?? `cannot read ${path}: ${(cause as Error).message}`;
  return new HarmonizerInputError("NOT_AUDIO", message, { cause });
}

/** File-system errors in words instead of their codes: one table for the CLI's messages and the engine's own. */
const PLAIN_WORDS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  EISDIR: "it is a folder, not a file",
  ENOTDIR: "a part of the path is a file, not a folder",
  EACCES: "permission denied",
  EPERM: "not permitted",
  EEXIST: "it already exists",
  ENOSPC: "the disk is full",
  EROFS: "the file system is read-only",
  EMFILE: "too many open files",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
};

/** Where the path is known to name a folder, two codes can say more than the general words. */
const FOLDER_WORDS: Readonly<Record<string, string>> = {
  ENOENT: "no such folder",
  ENOTDIR: "it is a file, not a folder",
};

/** The reason in words, or undefined when the error carries no file-system code. */
export function fileErrorReason(error: unknown, of: "file" | "folder" = "file"): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return undefined;
  return (of === "folder" ? FOLDER_WORDS[code] : undefined) ?? PLAIN_WORDS[code] ?? "the operating system refused";
}

/** A file-system error as a sentence, e.g. "cannot read a.wav: no such file or folder". */
export function describeFileError(error: unknown, verb: string, path: string): string | undefined {
  const reason = fileErrorReason(error);
  return reason === undefined ? undefined : `cannot ${verb} ${path}: ${reason}`;
}

import { statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { extname, join, relative, resolve } from "node:path";

/** File extensions read as songs in a folder (the formats `extend` decodes). */
export const SONG_EXTENSIONS = [".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus"] as const;

export const isFolder = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

export interface SongFile {
  /** The path to read. */
  readonly path: string;
  /** The path under the input folder, as the terminal shows it. */
  readonly relative: string;
  /** Its folder under the input folder ("" at the top). */
  readonly folder: string;
}

export interface FolderListing {
  /** In name order, each folder's songs before its subfolders'. */
  readonly songs: SongFile[];
  /** Files left alone: not a song by their extension. Hidden files are not counted. */
  readonly otherFiles: number;
  readonly extensions: readonly string[];
}

/**
 * The songs in `dir` (by extension), with --recursive those of its subfolders too. Hidden files and folders (a name
 * starting with ".", such as the temporary files writeFileAtomic leaves while writing) and the folder `leaveOut` (the
 * results' folder, when it lies inside) are skipped; so are symbolic links to folders (they could loop).
 */
export async function listSongs(
  dir: string,
  options: { readonly recursive: boolean; readonly leaveOut?: string },
): Promise<FolderListing> {
  const songs: SongFile[] = [];
  let otherFiles = 0;
  const leaveOut = options.leaveOut === undefined ? undefined : resolve(options.leaveOut);
  const walk = async (folder: string): Promise<void> => {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    const subfolders: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(folder, entry.name);
      const info = entry.isSymbolicLink() ? statSync(path, { throwIfNoEntry: false }) : entry;
      if (info?.isDirectory()) {
        if (!entry.isSymbolicLink() && resolve(path) !== leaveOut) subfolders.push(path);
      } else if (info?.isFile()) {
        const isSong = (SONG_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase());
        if (isSong) songs.push({ path, relative: relative(dir, path), folder: relative(dir, folder) });
        else otherFiles++;
      }
    }
    if (options.recursive) for (const subfolder of subfolders) await walk(subfolder);
  };
  await walk(dir);
  return { songs, otherFiles, extensions: SONG_EXTENSIONS };
}

import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Id3v2Tag, XiphComment } from "node-taglib-sharp";

/** Loaded when a loop is tagged: the library and its text encodings cost every other command's start-up 0.1 s. */
type TagLibrary = typeof import("node-taglib-sharp");

/** The tags PyMusicLooper writes and game engines (RPG Maker, GZDoom, ...) read: samples of the decoded song. */
export interface LoopTags {
  readonly LOOPSTART: number;
  readonly LOOPLENGTH: number;
}

/** The containers a loop can be tagged in, and the file extension node-taglib-sharp recognises each by. */
export const TAGGABLE = { "ogg-vorbis": ".ogg", "ogg-opus": ".opus", flac: ".flac", mp3: ".mp3" } as const;
export type TaggableFormat = keyof typeof TAGGABLE;

export const isTaggable = (format: string): format is TaggableFormat => format in TAGGABLE;

/**
 * The song's bytes with LOOPSTART and LOOPLENGTH set: Vorbis comments in Ogg Vorbis, Ogg Opus and FLAC, ID3v2 TXXX
 * frames in MP3 (as PyMusicLooper writes them), replacing any earlier ones. The audio is left as it is. Works on a
 * copy in a temporary folder (the tag library edits files in place); the caller writes the result where it belongs.
 */
export async function withLoopTags(song: string, format: TaggableFormat, tags: LoopTags): Promise<Uint8Array> {
  const folder = await mkdtemp(join(tmpdir(), "harmonizer-tag-"));
  try {
    const copy = join(folder, `song${TAGGABLE[format]}`);
    await copyFile(song, copy);
    const library: TagLibrary = await import("node-taglib-sharp");
    const { File, TagTypes } = library;
    const file = File.createFromPath(copy);
    try {
      if (format === "mp3") setId3Tags(library, file.getTag(TagTypes.Id3v2, true) as Id3v2Tag, tags);
      else setXiphTags(file.getTag(TagTypes.Xiph, true) as XiphComment, tags);
      file.save();
    } finally {
      file.dispose();
    }
    return new Uint8Array(await readFile(copy));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function setXiphTags(comment: XiphComment, tags: LoopTags): void {
  for (const [key, value] of Object.entries(tags)) comment.setFieldAsStrings(key, String(value));
}

function setId3Tags(library: TagLibrary, tag: Id3v2Tag, tags: LoopTags): void {
  const { Id3v2UserTextInformationFrame, StringType } = library;
  const frames = tag.frames.filter((f) => f instanceof Id3v2UserTextInformationFrame);
  for (const [key, value] of Object.entries(tags)) {
    for (const old of frames.filter((f) => f.description.toUpperCase() === key)) tag.removeFrame(old);
    const frame = Id3v2UserTextInformationFrame.fromDescription(key, StringType.UTF8);
    frame.text = [String(value)];
    tag.addFrame(frame);
  }
}

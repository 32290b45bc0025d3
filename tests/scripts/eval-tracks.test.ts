import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTrackList, trackNames } from "../../scripts/eval-tracks.ts";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function unpacked(files: readonly string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "harmonizer-tracks-"));
  dirs.push(root);
  for (const file of files) {
    await mkdir(join(root, file, ".."), { recursive: true });
    await writeFile(join(root, file), "");
  }
  return root;
}

describe("the track list of an evaluation run (--files-from)", () => {
  it("reads one path a line under the root, skipping comments and blank lines", async () => {
    const root = await unpacked(["usr/share/games/a/music/one.ogg", "usr/share/b/music/two.ogg"]);
    const list = join(root, "list.txt");
    await writeFile(list, "# package a\nusr/share/games/a/music/one.ogg\n\n  usr/share/b/music/two.ogg  # b\n");
    expect(await readTrackList(list, root)).toEqual([
      join(root, "usr/share/games/a/music/one.ogg"),
      join(root, "usr/share/b/music/two.ogg"),
    ]);
  });

  it("refuses a list whose files are not all there, naming how many and the root to pass", async () => {
    const root = await unpacked(["usr/share/games/a/music/one.ogg"]);
    const list = join(root, "list.txt");
    await writeFile(list, "usr/share/games/a/music/one.ogg\nusr/share/games/c/music/gone.ogg\n");
    await expect(readTrackList(list, root)).rejects.toThrow(
      /1 of the 2 tracks listed in .*list\.txt are missing under .*gone\.ogg.*--files-root/,
    );
  });
});

describe("track names in the tables", () => {
  it("keeps the file name where it is unique, and a song.ogg's folder", () => {
    const names = trackNames(["/m/asc/music/frontiers.mp3", "/m/fof/songs/muldjord/chaos_god/song.ogg"]);
    expect([...names.values()]).toEqual(["frontiers.mp3", "chaos_god/song.ogg"]);
  });

  it("tells apart two packages' music/music002.ogg by the shortest distinct end of their paths", () => {
    const names = trackNames([
      "/r/usr/share/games/colobot/music/music002.ogg",
      "/r/usr/share/planetblupi/music/music002.ogg",
      "/r/usr/share/planetblupi/music/music003.ogg",
    ]);
    expect([...names.values()]).toEqual([
      "colobot/music/music002.ogg",
      "planetblupi/music/music002.ogg",
      "music003.ogg",
    ]);
  });
});

import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio, encodeWav } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import { runHarmonizer } from "../support/cli.ts";

const harmonizer = (...args: string[]) => runHarmonizer(args);

/** Every file under `dir`, as paths relative to it, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath.slice(dir.length + 1), e.name))
    .sort();
}

let dir: string;
let songs: string;
const song = (seed: number) => encodeWav(synthesizeSong({ seconds: 22, sampleRate: 22_050, channels: 1, seed }), 16);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-folder-"));
  songs = join(dir, "songs");
  await mkdir(join(songs, "album", "disc 2"), { recursive: true });
  await writeFile(join(songs, "first.wav"), song(1));
  await writeFile(join(songs, "album", "disc 2", "second.wav"), song(2));
  await writeFile(join(songs, "broken.mp3"), "this is not audio");
  await writeFile(join(songs, "album", "short.wav"), encodeWav(synthesizeSong({ seconds: 3, sampleRate: 22_050 }), 16));
  await writeFile(join(songs, "cover.jpg"), "a picture");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("harmonizer extend DIR -o OUTDIR", () => {
  it("extends every readable song, keeps the folders, names each refusal and exits 1", async () => {
    const out = join(dir, "out");
    const run = await harmonizer("extend", songs, "--to", "30", "-o", out, "--recursive", "--no-page");
    expect(run.code).toBe(1);
    expect(await tree(out)).toEqual([
      "album/disc 2/second.png",
      "album/disc 2/second.report.json",
      "album/disc 2/second.wav",
      "first.png",
      "first.report.json",
      "first.wav",
    ]);
    for (const path of ["first.wav", "album/disc 2/second.wav"]) {
      const decoded = await decodeAudio(await readFile(join(out, path)));
      expect(decoded.channels[0]!.length).toBe(30 * 22_050);
    }
    expect(run.stdout).toMatch(/^4 songs: 2 extended, 2 refused, 0 failed/m);
    expect(run.stdout).toMatch(/refused broken\.mp3: not an audio file/);
    expect(run.stdout).toMatch(/refused album\/short\.wav: input is 3\.0 s long; at least .* is needed/);
    expect(run.stdout).toMatch(/1 other file left alone/);
    // Progress: each song announced with its place in the batch (a folder's songs before its subfolders'), and its
    // outcome.
    expect(run.stderr).toMatch(/^\[1\/4\] broken\.mp3\n\[1\/4\] refused: not an audio file/m);
    expect(run.stderr).toMatch(/^\[2\/4\] first\.wav\n\[2\/4\] extended into .*first\.wav/m);
    // The time left is the songs left at the time an extended song took: none before the first is extended (a
    // refusal takes a moment, it said "about 0 s to go" with 3 songs left), then an estimate.
    expect(run.stderr).toMatch(
      /^\[1\/4\] refused: not an audio file: expected WAV, MP3, Ogg Vorbis, Ogg Opus or FLAC$/m,
    );
    expect(run.stderr).toMatch(/^\[2\/4\] extended into .*first\.wav \(\d+\.\d s\); about [1-9]\d* s to go$/m);
    expect(run.stderr).toMatch(/^\[4\/4\] album\/disc 2\/second\.wav$/m);
  });

  it("without --recursive reads only the top folder, and exits 0 when every song was extended", async () => {
    const flat = join(dir, "flat");
    await mkdir(flat);
    await writeFile(join(flat, "one.wav"), song(3));
    await mkdir(join(flat, "inner"));
    await writeFile(join(flat, "inner", "two.wav"), song(4));
    const out = join(dir, "flat-out");
    const run = await harmonizer("extend", flat, "--to", "30", "-o", out, "--no-page", "--no-picture", "--json");
    expect(run.code).toBe(0);
    expect(await tree(out)).toEqual(["one.report.json", "one.wav"]);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ songs: 1, extended: 1, refused: 0, failed: 0 });
    expect(summary.files[0]).toMatchObject({ input: "one.wav", status: "extended", outputSeconds: 30 });
  });

  it("never replaces an existing result without --force: those songs are refused, the others go on", async () => {
    const out = join(dir, "again");
    await mkdir(out);
    await writeFile(join(out, "first.wav"), "my own file");
    const run = await harmonizer("extend", songs, "--to", "30", "-o", out, "--no-page", "--no-picture");
    expect(run.code).toBe(1);
    expect(await readFile(join(out, "first.wav"), "utf8")).toBe("my own file");
    expect(run.stdout).toMatch(
      /refused first\.wav: its result .*first\.wav already exists; choose another -o folder, or pass --force to replace it/,
    );
    expect(run.stdout).toMatch(/^2 songs: 0 extended, 2 refused, 0 failed/m);

    const forced = await harmonizer("extend", songs, "--to", "30", "-o", out, "--no-page", "--no-picture", "--force");
    expect(forced.stdout).toMatch(/^2 songs: 1 extended, 1 refused, 0 failed/m);
    expect((await stat(join(out, "first.wav"))).size).toBeGreaterThan(30 * 22_050 * 2);
  });

  it("warns once of the pictures and pages left from an earlier run that --no-picture / --no-page stop rewriting", async () => {
    const pair = join(dir, "pair");
    await mkdir(pair);
    await writeFile(join(pair, "one.wav"), song(5));
    await writeFile(join(pair, "two.wav"), song(6));
    const out = join(dir, "pair-out");
    expect((await harmonizer("extend", pair, "--to", "30", "-o", out, "--no-report")).code).toBe(0);
    const again = await harmonizer("extend", pair, "--to", "32", "-o", out, "--force", "--no-picture", "--no-page");
    expect(again.code).toBe(0);
    const [one, two] = ["one", "two"].map((name) => join(out, name));
    expect(again.stderr).toContain(
      `warning: 4 files are from an earlier run and describe those results, not these (--no-picture, --no-page): ` +
        `${one}.png, ${one}.html, ${two}.png, ${two}.html\n`,
    );
    const json = await harmonizer("extend", pair, "--to", "32", "-o", out, "--force", "--no-picture", "--json");
    expect(JSON.parse(json.stdout).files[0].staleFiles).toEqual([{ path: `${one}.png`, flag: "--no-picture" }]);
    expect(json.stderr).toContain(`warning: 2 files are from an earlier run`);
  });

  it("refuses an -o that is a file or the input folder itself, and a folder without songs (exit 2)", async () => {
    const asFile = await harmonizer("extend", songs, "--to", "30", "-o", join(songs, "first.wav"));
    expect(asFile.code).toBe(2);
    expect(asFile.stderr).toMatch(/-o .*first\.wav is a file; with a folder as input, -o names the folder/);
    const same = await harmonizer("extend", songs, "--to", "30", "-o", songs);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/is the input folder itself/);
    const empty = join(dir, "empty");
    await mkdir(empty);
    const none = await harmonizer("extend", empty, "--to", "30", "-o", join(dir, "none"));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no songs \(\.wav \.flac \.mp3 \.ogg \.oga \.opus\) in .*empty \(--recursive/);
  });
});

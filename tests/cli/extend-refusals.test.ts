import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHarmonizer } from "../support/cli.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

/** Runs the CLI as a user would, from `cwd`. */
const harmonizer = (cwd: string, ...args: string[]) => runHarmonizer(args, { cwd });

let dir: string;
let song: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-refusals-"));
  song = join(dir, "song.wav");
  await writeFile(song, encodeWav(synthesizeSong({ seconds: 21, sampleRate: 22_050, channels: 1, seed: 5 }), 16));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** No "ENOENT", "EISDIR" or other raw error code, and no stack trace. */
function expectPlainWords(stderr: string): void {
  expect(stderr).not.toMatch(/\bE[A-Z]{3,}\b/);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("harmonizer extend refuses an output it must not write, before any work", () => {
  it("refuses -o naming the input itself (any spelling) with exit 2, and leaves the input as it was", async () => {
    const input = join(dir, "a.wav");
    await copyFile(song, input);
    const before = await readFile(input);
    for (const output of ["a.wav", "./a.wav", join(dir, "sub", "..", "a.wav")]) {
      const result = await harmonizer(dir, "extend", "a.wav", "--to", "40", "-o", output);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`-o ${output} would overwrite the input a.wav`);
      expectPlainWords(result.stderr);
    }
    expect((await readFile(input)).equals(before)).toBe(true);
  });

  it("refuses -o naming an existing folder with exit 2 and a clear message, writing nothing", async () => {
    const folder = join(dir, "results");
    await mkdir(folder);
    const started = performance.now();
    const result = await harmonizer(dir, "extend", song, "--to", "40", "-o", folder);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`-o ${folder} is a folder; give a file name for the extended song`);
    expectPlainWords(result.stderr);
    expect(await readdir(folder)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(15_000); // refused up front, not after extending
  });

  it("refuses -o newdir/ (a folder not made yet) with exit 2, writing no hidden newdir/.wav", async () => {
    const work = await mkdtemp(join(dir, "slash-"));
    const result = await harmonizer(work, "extend", song, "--to", "40", "-o", "newdir/");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-o newdir/ ends with "/", so it names a folder; give a file name');
    expect(result.stderr).toContain("e.g. -o newdir/song-extended.wav");
    expectPlainWords(result.stderr);
    expect(await readdir(work)).toEqual([]);
  });

  it("suggests a file name in the song's own format when -o names a folder", async () => {
    const work = await mkdtemp(join(dir, "suggest-"));
    const ogg = join(work, "My Song.ogg");
    await copyFile(song, ogg);
    const result = await harmonizer(work, "extend", ogg, "--to", "40", "-o", "newdir/");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("e.g. -o newdir/My Song-extended.ogg");
  });

  it("refuses a --quality the output cannot use or reach, before any work, naming what it can", async () => {
    const over = await harmonizer(dir, "extend", song, "--to", "40", "-o", "q.mp3", "--quality", "400");
    expect(over.code).toBe(2);
    expect(over.stderr).toContain("--quality 400: MP3 reaches 32 to 320 kbit/s");
    const lossless = await harmonizer(dir, "extend", song, "--to", "40", "-o", "q.wav", "--quality", "128");
    expect(lossless.code).toBe(2);
    expect(lossless.stderr).toMatch(/--quality sets a lossy format's bitrate; q\.wav is WAV/);
    expect(await readdir(dir)).not.toContain("q.mp3");
  });

  it("names everything missing when extend is given nothing: the song, --to and -o", async () => {
    const result = await harmonizer(dir, "extend");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing: the song to extend \(<input>\), --to <length> and -o <file>/);
    const some = await harmonizer(dir, "extend", song);
    expect(some.code).toBe(2);
    expect(some.stderr).toMatch(/missing: --to <length> and -o <file>/);
    const one = await harmonizer(dir, "extend", song, "--to", "40");
    expect(one.stderr).toMatch(/missing: -o <file>/);
  });

  it("refuses -o under a path whose folder is a file, naming it", async () => {
    const result = await harmonizer(dir, "extend", song, "--to", "40", "-o", join(song, "out.wav"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${song} is a file, not a folder`);
    expectPlainWords(result.stderr);
  });
});

describe("harmonizer extend messages", () => {
  it("says in words that an input file does not exist, without the error code", async () => {
    const result = await harmonizer(dir, "extend", "missing.wav", "--to", "40", "-o", "out.wav");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read missing.wav: no such file or folder");
    expectPlainWords(result.stderr);
  });

  it("names the output, not its hidden temporary file, when its folder may not be written (sysfs: even root may not)", async () => {
    const result = await harmonizer(dir, "extend", song, "--to", "40", "-o", "/sys/out.wav");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot write \/sys\/out\.wav: (permission denied|the file system is read-only)/);
    expect(result.stderr).not.toMatch(/partial/);
    expectPlainWords(result.stderr);
  });

  it("names --max-target-minutes when the target is over the limit", async () => {
    const result = await harmonizer(dir, "extend", song, "--to", "40000", "-o", "long.wav");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--to 40000 s is longer than the limit of 600 min \(36000 s\); raise it with --max-target-minutes/,
    );
  });

  it("refuses a target under the shortest any song is made before reading the input", async () => {
    const result = await harmonizer(dir, "extend", join(dir, "no-such-song.mp3"), "--to", "12", "-o", "short.wav");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the target of 12 s is too short; ask for at least 20 s/);
    expect(result.stderr).not.toMatch(/no-such-song/);
  });

  it("never replaces a file of the user's beside the output, and replaces its own on a second run", async () => {
    const folder = join(dir, "cover");
    await mkdir(folder, { recursive: true });
    const cover = join(folder, "song.png");
    const image = Buffer.from("\x89PNG\r\n\x1a\n a cover image the user made");
    await writeFile(cover, image);
    const refused = await harmonizer(folder, "extend", song, "--to", "30", "-o", "song.wav");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("song.png already exists and was not written by the harmonizer");
    expectPlainWords(refused.stderr);
    expect((await readFile(cover)).equals(image)).toBe(true);
    expect(await readdir(folder)).toEqual(["song.png"]);

    const first = await harmonizer(folder, "extend", song, "--to", "30", "-o", "other.wav");
    expect(first.code).toBe(0);
    const again = await harmonizer(folder, "extend", song, "--to", "32", "-o", "other.wav", "--force");
    expect(again.code).toBe(0);
    const report = JSON.parse(await readFile(join(folder, "other.report.json"), "utf8"));
    expect(report.output.seconds).toBe(32);
    expect((await readFile(cover)).equals(image)).toBe(true);

    // Turned off on a third run, its picture, report and page would describe the second result: it says so.
    const bare = await harmonizer(
      folder,
      "extend",
      song,
      "--to",
      "34",
      "-o",
      "other.wav",
      "--force",
      "--no-picture",
      "--no-report",
      "--no-page",
    );
    expect(bare.code).toBe(0);
    for (const [name, flag] of [
      ["other.png", "--no-picture"],
      ["other.report.json", "--no-report"],
      ["other.html", "--no-page"],
    ]) {
      expect(bare.stderr).toContain(
        `warning: ${name} is from an earlier run and describes that result, not this one (${flag})`,
      );
    }
    expect(bare.stderr).not.toContain("song.png");
  }, 180_000);

  it("never replaces an existing -o (another song, the user's notes, an earlier result) unless --force", async () => {
    const folder = join(dir, "existing");
    await mkdir(folder, { recursive: true });
    const notes = join(folder, "mine.wav");
    await writeFile(notes, "my precious notes");
    const refused = await harmonizer(folder, "extend", song, "--to", "30", "-o", "mine.wav");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("-o mine.wav already exists; choose another output file, or pass --force");
    expectPlainWords(refused.stderr);
    expect(await readFile(notes, "utf8")).toBe("my precious notes");
    expect(await readdir(folder)).toEqual(["mine.wav"]);
    // Without an extension, -o names the file the input's format gives: that one is protected too.
    await writeFile(join(folder, "kept.wav"), "another song");
    const bare = await harmonizer(folder, "extend", song, "--to", "30", "-o", "kept");
    expect(bare.code).toBe(2);
    expect(await readFile(join(folder, "kept.wav"), "utf8")).toBe("another song");
    const replaced = await harmonizer(folder, "extend", song, "--to", "30", "-o", "mine.wav", "--force");
    expect(replaced.code).toBe(0);
    expect((await readFile(notes)).subarray(0, 4).toString()).toBe("RIFF");
  }, 120_000);

  it("never leaves another result of the same name (take.flac beside -o take.wav) without its own picture, report and page", async () => {
    const folder = join(dir, "formats");
    await mkdir(folder, { recursive: true });
    expect((await harmonizer(folder, "extend", song, "--to", "30", "-o", "take.flac")).code).toBe(0);
    const described = await readFile(join(folder, "take.report.json"), "utf8");

    const refused = await harmonizer(folder, "extend", song, "--to", "40", "-o", "take.wav");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "take.png, take.report.json and take.html were written beside take.flac (the same name); -o take.wav would replace them: choose another -o, or pass --force",
    );
    expectPlainWords(refused.stderr);
    expect(await readFile(join(folder, "take.report.json"), "utf8")).toBe(described);
    expect((await readdir(folder)).sort()).toEqual(["take.flac", "take.html", "take.png", "take.report.json"]);

    const forced = await harmonizer(folder, "extend", song, "--to", "40", "-o", "take.wav", "--force");
    expect(forced.code).toBe(0);
    expect(JSON.parse(await readFile(join(folder, "take.report.json"), "utf8")).output.seconds).toBe(40);
  }, 120_000);

  it("for a too-short input, says what the chosen engine needs the length for (a model only where there is one)", async () => {
    const short = join(dir, "short.wav");
    await writeFile(short, encodeWav(synthesizeSong({ seconds: 8, sampleRate: 22_050, channels: 1 }), 16));
    const remix = await harmonizer(dir, "extend", short, "--to", "60", "-o", "r.wav", "--engine", "remix");
    expect(remix.code).toBe(2);
    expect(remix.stderr).toMatch(
      /input is 8\.0 s long; at least 20\.0 s is needed \(the remix engine finds the song's beats/,
    );
    expect(remix.stderr).not.toMatch(/model/);
    const neural = await harmonizer(dir, "extend", short, "--to", "60", "-o", "n.wav", "--engine", "neural");
    expect(neural.code).toBe(2);
    expect(neural.stderr).toMatch(
      /at least 20\.0 s is needed \(the neural engine's model predicts each next 10 s from 20 s/,
    );
  });

  it("marks the required options in --help", async () => {
    const extend = (await harmonizer(dir, "extend", "--help")).stdout;
    expect(extend).toMatch(/^\s+--to <length>\s+\(required\) duration/m);
    expect(extend).toMatch(/^\s+-o, --output <file>\s+\(required\) where/m);
    expect(extend.match(/\(required\)/g)).toHaveLength(2);
    // The defaults it names are the ones the default engine, the conductor, uses.
    expect(extend.replace(/\s+/g, " ")).toContain("default: the shipped conductor for --engine conductor");
    expect(extend.replace(/\s+/g, " ")).toContain("conductor/remix/hybrid 0.02");
    expect((await harmonizer(dir, "train", "--help")).stdout).toMatch(/^\s+--data <dir>\s+\(required\) folder/m);
    expect((await harmonizer(dir, "evaluate", "--help")).stdout).toMatch(/^\s+--data <dir>\s+\(required\) folder/m);
  });

  it.each([
    ["--engine", "turbo", /argument 'turbo' is invalid\. Allowed choices are .*remix/],
    ["--backend", "metal", /argument 'metal' is invalid\. Allowed choices are auto, tensorflow, wasm, cpu/],
    ["--to", "soon", /expected a length like 90, 1:30, 10:00, 1:00:00, 90s, 10m, 1h, 1h30m, or x2 .*got "soon"/],
    ["--to", "1:75", /expected a length like .*got "1:75"/],
    ["--to", "0", /"0" is no time at all; ask for at least 20 s/],
    ["--to", "x0", /"x0" is no time at all; ask for at least 20 s/],
    ["--encode-threads", "0", /expected a whole number from 1 to 32, got "0"/],
    ["--crossfade", "99", /expected seconds from 0 to 5 \(longer blends eat the intro and whole phrases\), got "99"/],
    ["--encode-threads", "2.5", /expected a whole number from 1 to 32, got "2.5"/],
  ])("refuses %s %s with exit code 2, like --form", async (flag, value, message) => {
    const result = await harmonizer(dir, "extend", song, "--to", "40", "-o", "x.wav", flag, value);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

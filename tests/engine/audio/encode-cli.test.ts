import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHarmonizer } from "../../support/cli.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio, encodeWav } from "../../../engine/audio/index.ts";
import { encodeAudio } from "../../../engine/audio/encode/index.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const RATE = 22_050;

const harmonizer = (...args: string[]) => runHarmonizer(args);

let dir: string;
let song: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-formats-"));
  song = join(dir, "song.ogg");
  await writeFile(song, await encodeAudio(synthesizeSong({ seconds: 22, sampleRate: RATE, seed: 4 }), "ogg-vorbis"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("harmonizer extend writes the format asked for", () => {
  it("-o without an extension keeps the input's format (Ogg Vorbis), adds .ogg and says so; the page links it", async () => {
    const result = await harmonizer(
      "extend",
      song,
      "--to",
      "40",
      "-o",
      join(dir, "long"),
      "--no-progress",
      "--no-report",
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`writing ${join(dir, "long.ogg")} (Ogg Vorbis, the input's own format)`);
    expect(result.stdout).toContain("format: Ogg Vorbis (the input's own format; -o had no extension)");
    const decoded = await decodeAudio(await readFile(join(dir, "long.ogg")));
    expect(decoded.format).toBe("ogg-vorbis");
    expect(decoded.channels[0]!.length).toBe(40 * RATE);
    const page = await readFile(join(dir, "long.html"), "utf8");
    expect(page).toContain('<audio id="result" controls preload="metadata" src="long.ogg">');
    expect(page).toContain('src="song.ogg"');
    expect(page).toContain("Not measured"); // --no-report: no analysis
    expect(result.stdout).toContain("quality: not measured (--no-report)");
  }, 120_000);

  it("-o without an extension for a 16-bit WAV input: the note names no depth it cannot know, the file is 16-bit", async () => {
    const wav = join(dir, "pcm16.wav");
    await writeFile(wav, await encodeAudio(synthesizeSong({ seconds: 22, sampleRate: RATE, seed: 5 }), "wav16"));
    const quiet = ["--no-progress", "--no-report", "--no-picture", "--no-page"];
    const result = await harmonizer("extend", wav, "--to", "30", "-o", join(dir, "bare16"), ...quiet);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`writing ${join(dir, "bare16.wav")} (WAV, the input's own format)`);
    expect(result.stderr).not.toContain("32-bit float");
    expect(result.stdout).toContain("format: WAV 16-bit (the input's own format; -o had no extension)");
    expect((await decodeAudio(await readFile(join(dir, "bare16.wav")))).bitDepth).toBe(16);
  }, 120_000);

  it("names --format, not the input, as the reason for the format added to an -o without extension; warns when they disagree", async () => {
    const quiet = ["--no-progress", "--no-report", "--no-picture", "--no-page"];
    const chosen = await harmonizer("extend", song, "--to", "30", "-o", join(dir, "f3"), "--format", "opus", ...quiet);
    expect(chosen.code).toBe(0);
    expect(chosen.stderr).toContain(`writing ${join(dir, "f3.opus")} (Ogg Opus, --format opus)`);
    // Opus files are 48 kHz whatever the song's rate: the summary says what the file holds.
    expect(chosen.stdout).toContain(`2 ch, 48000 Hz, from ${RATE} Hz) with the`);
    const odd = await harmonizer("extend", song, "--to", "30", "-o", join(dir, "f2.wav"), "--format", "mp3", ...quiet);
    expect(odd.code).toBe(0);
    expect(odd.stderr).toContain(
      `warning: ${join(dir, "f2.wav")} will hold MP3 (--format mp3), although its extension is .wav`,
    );
  }, 120_000);

  it("-o out.flac writes FLAC of the exact length", async () => {
    const result = await harmonizer(
      "extend",
      song,
      "--to",
      "35",
      "-o",
      join(dir, "out.flac"),
      "--no-progress",
      "--no-report",
      "--no-picture",
      "--no-page",
    );
    expect(result.code).toBe(0);
    const decoded = await decodeAudio(await readFile(join(dir, "out.flac")));
    expect([decoded.format, decoded.channels[0]!.length]).toEqual(["flac", 35 * RATE]);
    expect(result.stdout).toContain("format: FLAC (from -o's extension)");
  }, 120_000);

  it("-o out.mp3 of a 96 kHz song says the file holds 48 kHz, as it does", async () => {
    const hires = join(dir, "hires.wav");
    await writeFile(hires, encodeWav(synthesizeSong({ seconds: 22, sampleRate: 96_000, seed: 6 }), 24));
    const quiet = ["--no-progress", "--no-report", "--no-picture", "--no-page"];
    const result = await harmonizer("extend", hires, "--to", "30", "-o", join(dir, "hires.mp3"), ...quiet);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("2 ch, 48000 Hz, from 96000 Hz) with the");
    expect((await decodeAudio(await readFile(join(dir, "hires.mp3")))).sampleRate).toBe(48_000);
  }, 120_000);

  it("refuses 5.1 into MP3, Vorbis or Opus before the job runs (exit 2), naming the formats that carry it", async () => {
    const stereo = synthesizeSong({ seconds: 22, sampleRate: RATE, seed: 7 });
    const six = { sampleRate: RATE, channels: [0, 1, 0, 1, 0, 1].map((c) => stereo.channels[c]!) };
    const surround = join(dir, "surround.wav");
    await writeFile(surround, encodeWav(six, 16));
    for (const [file, label] of [
      ["six.mp3", "MP3"],
      ["six.ogg", "Ogg Vorbis"],
      ["six.opus", "Ogg Opus"],
    ]) {
      const result = await harmonizer("extend", surround, "--to", "30", "-o", join(dir, file!), "--no-progress");
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `harmonizer: ${label} carries 1 or 2 channels, and this song has 6: choose WAV or FLAC, which carry up to 8\n`,
      );
    }
    expect((await readdir(dir)).filter((name) => name.startsWith("six"))).toEqual([]);
  }, 120_000);

  it("an unknown extension is a clear error, exit 2, and nothing is written", async () => {
    const before = await readdir(dir);
    const result = await harmonizer("extend", song, "--to", "30", "-o", join(dir, "out.m4a"), "--no-progress");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot write ".m4a" files');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(await readdir(dir)).toEqual(before);
  }, 60_000);
});

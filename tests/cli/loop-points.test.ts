import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFile } from "music-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio, encodeWav } from "../../engine/audio/index.ts";
import { encodeAudio, type OutputFormat } from "../../engine/audio/encode/index.ts";
import { loopingSong } from "../engine/loop/looping-song.ts";
import { runHarmonizer } from "../support/cli.ts";

const harmonizer = (...args: string[]) => runHarmonizer(args);

/** ffprobe's tags of the file: the container's and every stream's (Ogg keeps Vorbis comments on the stream). */
function ffprobeTags(path: string): Record<string, string> {
  const out = execFileSync(
    "ffprobe",
    ["-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", path],
    {
      encoding: "utf8",
    },
  );
  const parsed = JSON.parse(out) as { format?: { tags?: object }; streams?: { tags?: object }[] };
  const all = [parsed.format?.tags ?? {}, ...(parsed.streams ?? []).map((s) => s.tags ?? {})];
  return Object.fromEntries(all.flatMap((tags) => Object.entries(tags).map(([k, v]) => [k.toUpperCase(), String(v)])));
}

/** The loop tags music-metadata reads: Vorbis comments, or ID3v2 TXXX frames ("TXXX:LOOPSTART"). */
async function musicMetadataTags(path: string): Promise<Record<string, string>> {
  const { native } = await parseFile(path);
  const tags: Record<string, string> = {};
  for (const frames of Object.values(native))
    for (const { id, value } of frames) tags[id.replace(/^TXXX:/, "").toUpperCase()] = String(value);
  return tags;
}

const RATE = 22_050;
let dir: string;
const CONTAINERS: readonly [OutputFormat, string][] = [
  ["ogg-vorbis", "ogg"],
  ["ogg-opus", "opus"],
  ["flac", "flac"],
  ["mp3", "mp3"],
];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-loops-"));
  const { audio } = loopingSong(RATE);
  await writeFile(join(dir, "song.wav"), encodeWav(audio, 16));
  // Opus runs at 48 kHz: a song made at that rate keeps its sharp drums through the encoder.
  const opusAudio = loopingSong(48_000).audio;
  for (const [format, extension] of CONTAINERS) {
    const source = format === "ogg-opus" ? opusAudio : audio;
    await writeFile(join(dir, `song.${extension}`), await encodeAudio(source, format, { flacBits: 16 }));
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("harmonizer loop-points", () => {
  it("is listed by --help and documents its flags", async () => {
    expect((await harmonizer("--help")).stdout).toMatch(/^\s+loop-points /m);
    const help = (await harmonizer("loop-points", "--help")).stdout;
    for (const flag of ["--json", "--tag", "--output", "--force", "--min-share"]) expect(help).toContain(flag);
    expect((await harmonizer("extend", "--help")).stdout).toContain("--recursive");
  });

  it("prints the loop in samples and seconds with its join's figures, and the same as JSON", async () => {
    const text = await harmonizer("loop-points", join(dir, "song.wav"));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^loop: \d:\d\d\.\d{3} to \d:\d\d\.\d{3} \(samples \d+ to \d+\), \d+\.\d{3} s$/m);
    expect(text.stdout).toMatch(/LOOPSTART=\d+ LOOPLENGTH=\d+ \(samples at 22050 Hz\)/);
    expect(text.stdout).toMatch(/join: step ratio [\d.]+ \(limit 8; click ratio [\d.]+\), loudness change -?[\d.]+ LU/);
    const json = JSON.parse((await harmonizer("loop-points", join(dir, "song.wav"), "--json")).stdout);
    expect(json.found).toBe(true);
    expect(json.loop.length % (8 * RATE)).toBe(0);
    expect(text.stdout).toContain(`LOOPSTART=${json.loop.start} LOOPLENGTH=${json.loop.length}`);
    expect(json.loop.startSeconds).toBeCloseTo(json.loop.start / RATE, 9);
  });

  for (const [, extension] of CONTAINERS) {
    it(`--tag writes LOOPSTART/LOOPLENGTH into a copy of a .${extension} that music-metadata and ffprobe read back`, async () => {
      const song = join(dir, `song.${extension}`);
      const copy = join(dir, `tagged.${extension}`);
      const original = await readFile(song);
      const run = await harmonizer("loop-points", song, "--tag", "-o", copy, "--json");
      expect(run.code).toBe(0);
      const { loop, taggedCopy } = JSON.parse(run.stdout);
      expect(taggedCopy).toBe(copy);
      const expected = { LOOPSTART: String(loop.start), LOOPLENGTH: String(loop.length) };
      expect(await musicMetadataTags(copy)).toMatchObject(expected);
      expect(ffprobeTags(copy)).toMatchObject(expected);
      // The original is untouched, and the copy's audio is the original's.
      expect(Buffer.compare(await readFile(song), original)).toBe(0);
      const [before, after] = await Promise.all([decodeAudio(original), decodeAudio(await readFile(copy))]);
      expect(after.channels[0]).toEqual(before.channels[0]);

      const again = await harmonizer("loop-points", song, "--tag", "-o", copy);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already exists; .*--force/);
    }, 300_000);
  }

  it("--tag refuses the song itself, another format's extension and WAV, before any work", async () => {
    const song = join(dir, "song.ogg");
    const itself = await harmonizer("loop-points", song, "--tag", "-o", song);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toMatch(/would overwrite the input/);
    const other = await harmonizer("loop-points", song, "--tag", "-o", join(dir, "x.mp3"));
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/keeps the song's own format; give a name ending in \.ogg/);
    const wav = await harmonizer("loop-points", join(dir, "song.wav"), "--tag");
    expect(wav.code).toBe(2);
    expect(wav.stderr).toMatch(/is WAV, which has no LOOPSTART\/LOOPLENGTH tags/);
  });

  it("says so, exits 1 and tags nothing when the song has no seamless loop", async () => {
    const length = 30 * 22_050;
    const rising = new Float32Array(length).map((_, i) => Math.sin(i * 0.3) * 10 ** ((-40 + (40 * i) / length) / 20));
    const song = join(dir, "rising.flac");
    await writeFile(song, await encodeAudio({ sampleRate: 22_050, channels: [rising] }, "flac"));
    const run = await harmonizer("loop-points", song, "--tag");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^no seamless loop in .*rising\.flac: its best join /m);
    expect(run.stderr).toMatch(/no tagged copy was written/);
    await expect(readFile(join(dir, "rising-loop.flac"))).rejects.toThrow();
  });
});

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

const CLI = resolve(import.meta.dirname, "../../bin/harmonizer.mjs");
const RATE = 22_050;

/** A mono 32-bit IEEE float WAV, written byte by byte here so that nothing in the code under test touches it. */
function floatWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 4);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, value: string): void =>
    [...value].forEach((c, i) => {
      view.setUint8(offset + i, c.charCodeAt(0));
    });
  text(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 4, true);
  text(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 3, true); // IEEE float
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 4, true);
  view.setUint16(32, 4, true);
  view.setUint16(34, 32, true);
  text(36, "data");
  view.setUint32(40, samples.length * 4, true);
  samples.forEach((value, i) => {
    view.setFloat32(44 + i * 4, value, true);
  });
  return bytes;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-overs-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("harmonizer extend on a float input with overs", () => {
  it("keeps the overs (peaks of 1.065) in the 32-bit float result: the original part is sample-identical", async () => {
    const song = synthesizeSong({ seconds: 21, sampleRate: RATE, channels: 1, seed: 8 }).channels[0]!;
    let peak = 0;
    for (const value of song) peak = Math.max(peak, Math.abs(value));
    const hot = song.map((value) => (value * 1.065) / peak);
    const overs = hot.filter((value) => Math.abs(value) > 1).length;
    expect(overs).toBeGreaterThan(0);
    const input = join(dir, "hot.wav");
    await writeFile(input, floatWav(hot, RATE));

    const output = join(dir, "hot-30.wav");
    const run = await promisify(execFile)(process.execPath, [
      CLI,
      "extend",
      input,
      "--to",
      "30",
      "-o",
      output,
      "--engine",
      "remix",
      "--no-picture",
      "--no-report",
      "--no-progress",
    ]);
    expect(run.stderr).not.toMatch(/error/i);
    const result = await decodeAudio(await readFile(output));
    expect(result.codecDetail).toBe("IEEE float 32-bit");
    const start = result.channels[0]!.subarray(0, hot.length);
    let differing = 0;
    for (let i = 0; i < hot.length; i++) if (start[i] !== hot[i]) differing++;
    expect(differing).toBe(0);
  }, 120_000);
});

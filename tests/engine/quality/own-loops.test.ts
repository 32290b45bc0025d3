import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22050;
/** Synthetic songs repeat every 8 s: 8 s of each of five in five keys, so nothing repeats but what the test puts there. */
const songs = [8, 9, 10, 11, 12].map((seed) =>
  synthesizeSong({ seconds: 8, sampleRate: rate, channels: 1, seed, key: 2 * (seed - 8) }),
);

/** Seconds [from, to) of each piece, laid end to end. */
function join(...pieces: [PcmAudio, number, number][]): PcmAudio {
  const parts = pieces.map(([audio, from, to]) => audio.channels[0]!.subarray(from * rate, to * rate));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return { sampleRate: rate, channels: [out] };
}

/** A song that plays its 8 s from 16 s twice in a row (as machine_wars does at 250 s). */
const original = join(...([0, 1, 2, 2, 3, 4] as const).map((k): [PcmAudio, number, number] => [songs[k]!, 0, 8]));

describe("the shortest back-to-back loop leaves out the song's own", () => {
  test("an extension that copies the song's own back-to-back repeat does not count it as a loop", async () => {
    const result = join([original, 0, 48], [original, 4, 48]);
    const report = await measureExtension({ original, result, seams: [48] });
    expect(report.originalShortestLoopSeconds).toBeCloseTo(8, 0);
    expect(report.shortestLoopSeconds).toBe(0);
  }, 60_000);

  test("a loop the extension makes is found, at any period, the song's own included", async () => {
    const sixes = join([original, 0, 48], [original, 30, 36], [original, 30, 36], [original, 36, 48]);
    const six = await measureExtension({ original, result: sixes, seams: [48, 54, 60] });
    expect(six.shortestLoopSeconds).toBeCloseTo(6, 0);
    // Two copies of the same 8 s played back to back: the period of the song's own repeat, but made by the joins.
    const eights = join([original, 0, 48], [original, 30, 38], [original, 30, 38], [original, 38, 48]);
    const eight = await measureExtension({ original, result: eights, seams: [48, 56, 64] });
    expect(eight.shortestLoopSeconds).toBeCloseTo(8, 0);
  }, 60_000);
});

import { PNG } from "pngjs";
import { describe, expect, test } from "vitest";
import { addedSpans } from "../../../engine/report/picture-spans.ts";
import { renderExtensionPicture } from "../../../engine/report/picture.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { clickSong } from "../remix/signals.ts";

const rate = 22050;
const LEFT = 80;
const PLOT = 1600 - 20 - LEFT;

/** The song's pieces ([from, to) seconds) played back to back. */
function pieces(song: PcmAudio, spans: readonly (readonly [number, number])[]): PcmAudio {
  const total = spans.reduce((sum, [from, to]) => sum + to - from, 0);
  return {
    sampleRate: rate,
    channels: song.channels.map((c) => {
      const out = new Float32Array(total * rate);
      let at = 0;
      for (const [from, to] of spans) {
        out.set(c.subarray(from * rate, to * rate), at * rate);
        at += to - from;
      }
      return out;
    }),
  };
}

/** The picture as pixels. */
const pictureOf = (input: Parameters<typeof renderExtensionPicture>[0]) =>
  PNG.sync.read(Buffer.from(renderExtensionPicture(input)));

describe("what the picture paints as the extension", () => {
  test("a song played through with one phrase repeated: only the repeat is added, the song's own ending is the song", () => {
    // 0-60 s of a 100 s song, then 40-60 s again (a repeat), then 60-100 s: 120 s.
    const seams = [60, 80];
    const sources = [
      { fromSeconds: 60, toSeconds: 40 },
      { fromSeconds: 60, toSeconds: 60 },
    ];
    expect(addedSpans(seams, sources, 0, 120 * rate, rate)).toEqual([[60 * rate, 80 * rate]]);
  });

  test("continue form: everything after the whole song replays it, so all of it is added", () => {
    const seams = [100, 130];
    const sources = [
      { fromSeconds: 100, toSeconds: 20 },
      { fromSeconds: 50, toSeconds: 70 },
    ];
    expect(addedSpans(seams, sources, 100 * rate, 160 * rate, rate)).toEqual([
      [100 * rate, 130 * rate],
      [130 * rate, 160 * rate],
    ]);
  });

  test("without the seams' song positions, everything after the kept opening", () => {
    expect(addedSpans([30], undefined, 20 * rate, 60 * rate, rate)).toEqual([[20 * rate, 60 * rate]]);
  });
});

describe("the picture's joins", () => {
  const song = clickSong({ seconds: 30, seed: 3 });
  // The song's first 20 s, its 10-20 s again, then its last 10 s (its ending): 40 s, seams at 20 and 30.
  const result = pieces(song, [
    [0, 20],
    [10, 20],
    [20, 30],
  ]);
  const png = pictureOf({
    original: song,
    result,
    seams: [20, 30],
    seamSources: [
      { fromSeconds: 20, toSeconds: 10 },
      { fromSeconds: 20, toSeconds: 20 },
    ],
    introSeconds: 20,
    missedSeams: [30],
  });
  const pixel = (x: number, y: number) => Array.from(png.data.subarray((y * 1600 + x) * 4, (y * 1600 + x) * 4 + 3));
  const xOf = (seconds: number) => LEFT + Math.round((seconds / 40) * (PLOT - 1));
  const waveColumn = (seconds: number) => Array.from({ length: 220 }, (_, y) => pixel(xOf(seconds), 80 + y));
  const orange = ([r, g, b]: number[]) => r! > 230 && g! > 130 && g! < 190 && b! < 100;
  const blue = ([r, g, b]: number[]) => b! > 200 && r! < 150 && g! > 120;

  test("paints the repeat orange and the song's own ending, played in its place, blue", () => {
    expect(waveColumn(25).some(orange)).toBe(true);
    expect(waveColumn(35).some(orange)).toBe(false);
    expect(waveColumn(35).some(blue)).toBe(true);
    // The legend names the orange.
    const legendBand = Array.from({ length: 30 }, (_, dy) => Array.from({ length: 1600 }, (_, x) => pixel(x, 30 + dy)));
    expect(legendBand.flat().some(orange)).toBe(true);
  });

  test("draws a join that misses a target as a thick yellow line, and one that meets them red", () => {
    const yellow = ([r, g, b]: number[]) => r! > 240 && g! > 210 && b! < 60;
    const reddish = ([r, g, b]: number[]) => r! > 150 && r! > g! + 60 && r! > b! + 40;
    for (const dx of [-1, 0, 1]) expect([dx, pixel(xOf(30) + dx, 120)]).toSatisfy(([, p]) => yellow(p as number[]));
    expect(yellow(pixel(xOf(20), 120))).toBe(false);
    expect(pixel(xOf(20), 120)).toSatisfy(reddish);
    // And the legend names it.
    expect(Array.from({ length: 1600 }, (_, x) => pixel(x, 45)).some(yellow)).toBe(true);
  });
});

describe("the picture of a shortened song", () => {
  test("names no repeated part in its legend when nothing is repeated", () => {
    const song = clickSong({ seconds: 30, seed: 3 });
    // The song's first 10 s, then its last 10 s: 20 s, one seam, nothing played twice.
    const png = pictureOf({
      original: song,
      result: pieces(song, [
        [0, 10],
        [20, 30],
      ]),
      seams: [10],
      seamSources: [{ fromSeconds: 10, toSeconds: 20 }],
      introSeconds: 10,
    });
    const orange = (x: number, y: number) => {
      const [r, g, b] = png.data.subarray((y * 1600 + x) * 4, (y * 1600 + x) * 4 + 3);
      return r! > 230 && g! > 130 && g! < 190 && b! < 100;
    };
    const legendBand = Array.from({ length: 30 }, (_, dy) =>
      Array.from({ length: 1600 }, (_, x) => orange(x, 30 + dy)),
    );
    expect(legendBand.flat().some(Boolean)).toBe(false);
  });
});

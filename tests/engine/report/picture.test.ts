import { PNG } from "pngjs";
import { expect, test } from "vitest";
import { renderExtensionPicture } from "../../../engine/report/picture.ts";
import { silenceBaseline } from "../../../engine/quality/baselines.ts";
import { clickSong } from "../remix/signals.ts";

test("the picture is a 1600x900 PNG with the seams drawn as red lines", () => {
  const song = clickSong({ seconds: 20, seed: 1 });
  const { audio } = silenceBaseline(song, 60);
  const bytes = renderExtensionPicture({ original: song, result: audio, seams: [45], title: "test 20 s to 60 s" });
  const png = PNG.sync.read(Buffer.from(bytes));
  expect([png.width, png.height]).toEqual([1600, 900]);
  const pixel = (x: number, y: number) => Array.from(png.data.subarray((y * 1600 + x) * 4, (y * 1600 + x) * 4 + 3));
  // Plot spans x 60..1579 over 60 s: the seam at 45 s is at column 60 + round(0.75 * 1519).
  const seamX = 60 + Math.round(0.75 * 1519);
  const reddish = ([r, g, b]: number[]) => r! > 150 && r! > g! + 60 && r! > b! + 40;
  expect(reddish(pixel(seamX, 120))).toBe(true);
  expect(reddish(pixel(seamX - 40, 120))).toBe(false);
  // Waveform before the extension is blue, and the extension (silence here) leaves the background.
  const column = Array.from({ length: 200 }, (_, y) => pixel(400, 50 + y));
  expect(column.some(([r, g, b]) => b! > 200 && r! < 150 && g! > 120)).toBe(true);
});

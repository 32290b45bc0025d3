import { PNG } from "pngjs";
import { describe, expect, test } from "vitest";
import { pictureTitle, renderExtensionPicture } from "../../../engine/report/picture.ts";
import { textWidth } from "../../../engine/report/font.ts";
import { clockTime } from "../../../engine/report/page.ts";
import { silenceBaseline } from "../../../engine/quality/baselines.ts";
import { clickSong } from "../remix/signals.ts";

const WIDTH = 1600;
const LEFT = 80; // plot spans x 80..1579
const PLOT = WIDTH - 20 - LEFT;

function picture(title = "test 20 s to 60 s", seconds = 60) {
  const song = clickSong({ seconds: 20, seed: 1 });
  const { audio } = silenceBaseline(song, seconds);
  const png = PNG.sync.read(Buffer.from(renderExtensionPicture({ original: song, result: audio, seams: [45], title })));
  const pixel = (x: number, y: number) =>
    Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
  const background = pixel(0, png.height - 1).join();
  const lit = (x: number, y: number) => pixel(x, y).join() !== background;
  /** Columns with anything drawn in rows y0..y1. */
  const litColumns = (x0: number, x1: number, y0: number, y1: number) =>
    Array.from({ length: x1 - x0 + 1 }, (_, i) => x0 + i).filter((x) =>
      Array.from({ length: y1 - y0 + 1 }, (_, j) => y0 + j).some((y) => lit(x, y)),
    );
  return { png, pixel, lit, litColumns };
}

describe("the extension picture", () => {
  test("is a 1600x900 PNG with the seams drawn as red lines and the original in blue", () => {
    const { png, pixel } = picture();
    expect([png.width, png.height]).toEqual([1600, 900]);
    const seamX = LEFT + Math.round(0.75 * (PLOT - 1)); // the seam at 45 of 60 s
    const reddish = ([r, g, b]: number[]) => r! > 150 && r! > g! + 60 && r! > b! + 40;
    expect(reddish(pixel(seamX, 120))).toBe(true);
    expect(reddish(pixel(seamX - 40, 120))).toBe(false);
    const column = Array.from({ length: 200 }, (_, y) => pixel(400, 80 + y));
    expect(column.some(([r, g, b]) => b! > 200 && r! < 150 && g! > 120)).toBe(true);
  });

  test("the title names file, engine, form and both durations, drawn at its full width", () => {
    const title = pictureTitle({
      name: "my song.mp3",
      engine: "remix",
      form: "song",
      inputSeconds: 150,
      outputSeconds: 600,
    });
    expect(title).toBe("my song.mp3 | remix engine, song form | 2:30 -> 10:00");
    const { litColumns } = picture(title);
    const columns = litColumns(0, 1000, 12, 26);
    expect(columns[0]).toBe(12);
    // The last glyph, "0", is 5 of its 6 columns wide (scale 2): its last pixel is 3 px short of the full width.
    expect(columns.at(-1)).toBe(12 + textWidth(title, 2) - 3);
  });

  test("the title's lengths are whole seconds cut, as the result page around the picture and its player show them", () => {
    const lengths = { inputSeconds: 205.714, outputSeconds: 299.97 };
    const title = pictureTitle({ name: "town.mp3", engine: "conductor", form: "song", ...lengths });
    expect(title).toBe("town.mp3 | conductor engine, song form | 3:25 -> 4:59");
    expect(title.endsWith(`${clockTime(lengths.inputSeconds)} -> ${clockTime(lengths.outputSeconds)}`)).toBe(true);
  });

  test("the legend shows the line where the extension starts (green) and the seams (red)", () => {
    const { pixel } = picture();
    const row = Array.from({ length: WIDTH }, (_, x) => pixel(x, 45));
    expect(row.some(([r, g, b]) => g! > 230 && r! < 160 && b! < 180)).toBe(true); // the green boundary bar
    expect(row.some(([r, g, b]) => r! > 230 && g! < 90 && b! < 120)).toBe(true); // the red seam bar
  });

  test("every time label fits: the last one (1:00) ends inside the picture, not cut at the edge", () => {
    const { litColumns } = picture();
    const labels = litColumns(WIDTH - 120, WIDTH - 1, 900 - 50 + 14, 900 - 50 + 28);
    const width = textWidth("1:00", 2) - 2;
    expect(labels.at(-1)).toBeLessThan(WIDTH - 1);
    expect(labels.at(-1)! - labels[0]! + 1).toBeGreaterThanOrEqual(width - 2);
  });

  test("the spectrogram has a kHz axis: labels in the left margin down its whole height", () => {
    const { litColumns, lit } = picture();
    const specTop = 74 + Math.round((900 - 64) * 0.27) + 24;
    const specBottom = 900 - 60;
    expect(litColumns(0, LEFT - 10, specTop, specBottom).length).toBeGreaterThan(20);
    const rows = Array.from({ length: specBottom - specTop }, (_, i) => specTop + i).filter((y) =>
      Array.from({ length: LEFT - 10 }, (_, x) => x).some((x) => lit(x, y)),
    );
    expect(rows[0]! - specTop).toBeLessThan(20); // a label near the top (10 kHz)
    expect(specBottom - rows.at(-1)!).toBeLessThan(60); // and near the bottom (0.05 kHz)
  });
});

import { clockSeconds } from "../clock.ts";
import { drawText, GLYPH_HEIGHT, textWidth } from "./font.ts";

export type Rgb = readonly [number, number, number];
export type Setter = (x: number, y: number, colour: Rgb, alpha?: number) => void;

const LABEL_SCALE = 2;

/** 75.9 -> "1:15", as the result page and the browser's player beside the picture count. */
export const formatTime = clockSeconds;

function niceStep(raw: number): number {
  const steps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800];
  return steps.find((s) => s >= raw) ?? 3600;
}

/**
 * A time axis under the plot: ticks at a round step, m:ss labels centred on them but kept inside the picture
 * (`imageWidth`), so the first and last labels are never cut off.
 */
export function drawTimeAxis(
  seconds: number,
  area: { left: number; plotWidth: number; y: number; imageWidth: number },
  colour: Rgb,
  set: Setter,
): void {
  for (let x = area.left; x < area.left + area.plotWidth; x++) set(x, area.y, colour);
  const step = niceStep(seconds / 12);
  for (let t = 0; t <= seconds + 1e-9; t += step) {
    const x = area.left + Math.round((t / seconds) * (area.plotWidth - 1));
    for (let y = area.y; y < area.y + 8; y++) set(x, y, colour);
    const label = formatTime(t);
    const width = textWidth(label, LABEL_SCALE);
    const labelX = Math.min(area.imageWidth - width - 2, Math.max(2, Math.round(x - width / 2)));
    drawText((px, py) => set(px, py, colour), label, labelX, area.y + 14, LABEL_SCALE);
  }
}

const FREQUENCY_TICKS_HZ = [50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000];

/** "0.05", "0.1", "0.5", "1", "10": kHz with no trailing zeros. */
const kHz = (hz: number): string => String(hz / 1000);

/**
 * A frequency axis in kHz left of a log-frequency spectrogram spanning lowHz (bottom) to highHz (top): ticks at
 * round frequencies inside the range, labels right-aligned against the ticks, and "kHz" above them.
 */
export function drawFrequencyAxis(
  range: { lowHz: number; highHz: number },
  area: { left: number; top: number; height: number },
  colour: Rgb,
  set: Setter,
): void {
  const x = area.left - 1;
  for (let y = area.top; y < area.top + area.height; y++) set(x, y, colour);
  const span = Math.log(range.highHz / range.lowHz);
  for (const hz of FREQUENCY_TICKS_HZ) {
    if (hz < range.lowHz || hz > range.highHz) continue;
    const y = area.top + Math.round((1 - Math.log(hz / range.lowHz) / span) * (area.height - 1));
    for (let dx = 1; dx <= 6; dx++) set(x - dx, y, colour);
    const label = kHz(hz);
    const labelY = Math.min(area.top + area.height - GLYPH_HEIGHT * LABEL_SCALE, Math.max(area.top, y - GLYPH_HEIGHT));
    drawText((px, py) => set(px, py, colour), label, x - 9 - textWidth(label, LABEL_SCALE), labelY, LABEL_SCALE);
  }
  const unit = "kHz";
  drawText(
    (px, py) => set(px, py, colour),
    unit,
    Math.max(2, x - 4 - textWidth(unit, LABEL_SCALE)),
    area.top - 18,
    LABEL_SCALE,
  );
}

import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import type { AudioStream } from "../audio/stream.ts";
import { drawText, textWidth } from "./font.ts";
import { formatTime, type Setter } from "./axes.ts";
import type { ColumnPeaks } from "./waveform-peaks.ts";
import {
  AXIS_COLOUR,
  type Area,
  drawWaveform,
  MISSED_SEAM_COLOUR,
  SEAM_COLOUR,
  START_COLOUR,
} from "./picture-waveform.ts";

/**
 * A long result's picture gets a strip below the overview: the waveform around the first join after the kept opening
 * (ZOOM_SECONDS either side), where one overview pixel is too coarse to see how the extension enters.
 */
export const ZOOM_SECONDS = 10;
/** Results at least this long get the strip (an overview pixel then spans 0.4 s or more). */
export const ZOOM_FROM_SECONDS = 600;
/** Pixels the strip adds below the picture. */
export const ZOOM_BAND_HEIGHT = 170;
const TEXT_SCALE = 2;

export interface ZoomWindow {
  /** Result samples [from, to) the strip shows, and the join it centres on. */
  readonly from: number;
  readonly to: number;
  readonly join: number;
}

/** The strip's window, or undefined when the result is short or has no join after its kept opening. */
export function zoomAroundFirstJoin(
  seams: readonly number[],
  keptLength: number,
  total: number,
  sampleRate: number,
): ZoomWindow | undefined {
  if (total < ZOOM_FROM_SECONDS * sampleRate) return undefined;
  const join = seams.map((s) => Math.round(s * sampleRate)).find((s) => s >= keptLength && s < total);
  if (join === undefined) return undefined;
  const reach = ZOOM_SECONDS * sampleRate;
  return { from: Math.max(0, join - reach), to: Math.min(total, join + reach), join };
}

/**
 * Where the picture of `result` ends the kept opening (samples; introSeconds, default the original's length) and
 * its zoom strip's window, if it has one.
 */
export function keptAndZoom(
  marks: { readonly original: PcmAudio; readonly introSeconds?: number; readonly seams: readonly number[] },
  result: { readonly length: number; readonly sampleRate: number },
): { keptLength: number; zoom: ZoomWindow | undefined } {
  const { sampleRate } = result;
  const total = Math.max(1, result.length);
  const keptSeconds = marks.introSeconds ?? frameCount(marks.original) / sampleRate;
  const keptLength = Math.min(total, Math.round(keptSeconds * sampleRate));
  return { keptLength, zoom: zoomAroundFirstJoin(marks.seams, keptLength, total, sampleRate) };
}

/**
 * The strip: a title naming where it is, the waveform of the window (the overview's colours), the seams, missed seams
 * and the start of the extension inside it as lines, and its first, join and last times under it.
 */
export function drawZoomStrip(
  result: AudioStream,
  zoom: ZoomWindow,
  marks: {
    readonly added: readonly [number, number][];
    /** Samples. */
    readonly seams: readonly number[];
    readonly missed: readonly number[];
    readonly keptLength: number;
  },
  area: Area,
  set: Setter,
  peaks?: ColumnPeaks,
): void {
  const { from, to, join } = zoom;
  const rate = result.sampleRate;
  const title = `around the first join (${formatTime(join / rate)}): ${formatTime(from / rate)} - ${formatTime(to / rate)}`;
  drawText((x, y) => set(x, y, AXIS_COLOUR), title, area.left, area.top - 26, TEXT_SCALE);
  const part: AudioStream = {
    sampleRate: rate,
    channelCount: result.channelCount,
    length: to - from,
    read: (a, z) => result.read(from + a, from + z),
  };
  const added = marks.added.map(([a, z]): [number, number] => [a - from, z - from]);
  drawWaveform(part, added, area, set, peaks);
  const xOf = (sample: number) => area.left + Math.round(((sample - from) / (to - from)) * (area.plotWidth - 1));
  const line = (sample: number, colour: typeof AXIS_COLOUR, width: number) => {
    if (sample < from || sample >= to) return;
    for (let y = area.top; y < area.top + area.height; y++)
      for (let dx = 0; dx < width; dx++) set(xOf(sample) + dx, y, colour, 0.9);
  };
  line(marks.keptLength, START_COLOUR, 2);
  for (const seam of marks.seams) line(seam, SEAM_COLOUR, 1);
  for (const seam of marks.missed) line(seam, MISSED_SEAM_COLOUR, 3);
  const labelY = area.top + area.height + 8;
  const label = (sample: number, align: number) => {
    const text = formatTime(sample / rate);
    const x = Math.round(xOf(sample) - align * textWidth(text, TEXT_SCALE));
    drawText((px, py) => set(px, py, AXIS_COLOUR), text, x, labelY, TEXT_SCALE);
  };
  label(from, 0);
  label(join, 0.5);
  label(to, 1);
}

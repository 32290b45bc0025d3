import { PNG } from "pngjs";
import { signPng } from "./signature.ts";
import { type SpectrogramFrames, spectrogramSignal } from "./spectrogram-frames.ts";
import type { ColumnPeaks } from "./waveform-peaks.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import { streamOf, type AudioStream } from "../audio/stream.ts";
import { forEachSpectrumAt } from "./spectrum.ts";
import { drawText, textWidth } from "./font.ts";
import { drawFrequencyAxis, drawTimeAxis, formatTime, type Rgb, type Setter } from "./axes.ts";
import { addedSpans } from "./picture-spans.ts";
import {
  AXIS_COLOUR,
  drawWaveform,
  EXTENSION_COLOUR,
  MISSED_SEAM_COLOUR,
  ORIGINAL_COLOUR,
  SEAM_COLOUR,
  START_COLOUR,
  type Area,
} from "./picture-waveform.ts";
import { drawZoomStrip, keptAndZoom, ZOOM_BAND_HEIGHT } from "./picture-zoom.ts";
import type { SeamSource } from "../quality/report.ts";

export interface PictureInput {
  readonly original: PcmAudio;
  /** Starts with the original (or its intro); the rest is the extension. Read window by window (any length). */
  readonly result: PcmAudio | AudioStream;
  /** Join points in the result, seconds. */
  readonly seams: readonly number[];
  /** Up to here (seconds) the result is the input, sample for sample; default: the original's length. */
  readonly introSeconds?: number;
  /** The legend's name for the line at introSeconds; default "extension starts". */
  readonly boundaryLabel?: string;
  /**
   * Where each seam joins the input (ExtendResult.seamSources): the waveform then paints only what replays input
   * already heard as the extension (see addedSpans); without them, everything after introSeconds.
   */
  readonly seamSources?: readonly SeamSource[];
  /** Seams (seconds) that miss a target (the report's seamList): drawn thicker, in their own colour. */
  readonly missedSeams?: readonly number[];
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** The waveform's columns gathered while the result was encoded (see waveform-peaks.ts and waveformColumns). */
  readonly peaks?: ColumnPeaks;
  /** The same for the zoom strip's window (keptAndZoom's `zoom`), when the picture has one. */
  readonly zoomPeaks?: ColumnPeaks;
  /** The spectrogram's frames gathered the same way (spectrogram-frames.ts). */
  readonly spectrogramFrames?: SpectrogramFrames;
}

/** The waveform's pixel columns in a picture `width` wide (the plots leave 80 px on the left, 20 on the right). */
export const waveformColumns = (width = 1600): number => width - 100;

/** The picture's title: file name, engine, form and both durations. */
export function pictureTitle(parts: {
  name: string;
  engine: string;
  form: string;
  inputSeconds: number;
  outputSeconds: number;
}): string {
  return `${parts.name} | ${parts.engine} engine, ${parts.form} form | ${formatTime(parts.inputSeconds)} -> ${formatTime(parts.outputSeconds)}`;
}

const BACKGROUND: Rgb = [18, 18, 24];
const LOW_HZ = 40;
const TEXT_SCALE = 2;

/** `text`, cut with ".." so that it is at most `width` pixels wide. */
function fitText(text: string, width: number): string {
  if (textWidth(text, TEXT_SCALE) <= width) return text;
  const characters = Math.max(0, Math.floor(width / textWidth("x", TEXT_SCALE)) - 2);
  return `${text.slice(0, characters)}..`;
}

/** Legend entries: filled boxes for the waveform's colours, thin bars for the lines drawn across the plots. */
function drawLegend(
  entries: ReadonlyArray<{ text: string; colour: Rgb; line: boolean }>,
  right: number,
  y: number,
  set: Setter,
): void {
  let x = right - entries.reduce((w, entry) => w + textWidth(entry.text, TEXT_SCALE) + 44, 0);
  for (const { text, colour, line } of entries) {
    const [from, to] = line ? [x + 8, x + 11] : [x, x + 20];
    for (let dy = -1; dy < 15; dy++) for (let dx = from; dx < to; dx++) set(dx, y + dy, colour);
    drawText((px, py) => set(px, py, AXIS_COLOUR), text, x + 26, y, TEXT_SCALE);
    x += textWidth(text, TEXT_SCALE) + 44;
  }
}

/**
 * A PNG (default 1600x900, and ZOOM_BAND_HEIGHT more for a long result's strip around its first join: see
 * picture-zoom.ts) of the whole result: a title (by default "extended"; see pictureTitle), a legend, the
 * waveform (the song blue, what the extension adds or repeats orange: see addedSpans), a log-frequency spectrogram
 * with a kHz axis, a green line where the extension begins, red lines at seams (thick yellow ones where a seam misses
 * a target), and a time axis whose labels all fit inside the picture.
 */
export function renderExtensionPicture(input: PictureInput): Uint8Array {
  const width = input.width ?? 1600;
  const height = input.height ?? 900;
  const result = "read" in input.result ? input.result : streamOf(input.result);
  const sampleRate = result.sampleRate;
  const total = Math.max(1, result.length);
  const { keptLength, zoom } = keptAndZoom(input, result);
  const imageHeight = height + (zoom ? ZOOM_BAND_HEIGHT : 0);
  const png = new PNG({ width, height: imageHeight });
  const set: Setter = (x, y, [r, g, b], alpha = 1) => {
    if (x < 0 || y < 0 || x >= width || y >= imageHeight) return;
    const i = (y * width + Math.round(x)) * 4;
    const data = png.data;
    // Opaque (most pixels): the blend below gives exactly Math.round(r), so skip reading the pixel.
    if (alpha === 1) {
      data[i] = Math.round(r);
      data[i + 1] = Math.round(g);
      data[i + 2] = Math.round(b);
    } else {
      data[i] = Math.round(data[i]! * (1 - alpha) + r * alpha);
      data[i + 1] = Math.round(data[i + 1]! * (1 - alpha) + g * alpha);
      data[i + 2] = Math.round(data[i + 2]! * (1 - alpha) + b * alpha);
    }
    data[i + 3] = 255;
  };
  png.data.fill(Uint8Array.of(BACKGROUND[0], BACKGROUND[1], BACKGROUND[2], 255));

  const left = 80;
  const right = width - 20;
  const plotWidth = waveformColumns(width);
  const xOf = (sample: number) => left + Math.round((sample / total) * (plotWidth - 1));
  const header = 64;
  const waveTop = header + 10;
  const waveHeight = Math.round((height - header) * 0.27);
  const specTop = waveTop + waveHeight + 24;
  const axisY = height - 50;
  const specHeight = axisY - 10 - specTop;

  drawText((x, y) => set(x, y, AXIS_COLOUR), fitText(input.title ?? "extended", right - 12), 12, 12, TEXT_SCALE);
  const added = addedSpans(input.seams, input.seamSources, keptLength, total, sampleRate);
  drawLegend(legendEntries(input, denseSeams(input.seams.length, plotWidth), added.length > 0), right, 40, set);

  drawWaveform(result, added, { left, plotWidth, top: waveTop, height: waveHeight }, set, input.peaks);
  const specArea = { left, plotWidth, top: specTop, height: specHeight };
  const nyquist = drawSpectrogram(result, specArea, set, input.spectrogramFrames);
  drawFrequencyAxis({ lowHz: LOW_HZ, highHz: nyquist }, { left, top: specTop, height: specHeight }, AXIS_COLOUR, set);

  // Where the extension begins, and each seam.
  const markerX = xOf(keptLength);
  for (let y = waveTop; y < specTop + specHeight; y++) {
    set(markerX, y, START_COLOUR);
    set(markerX + 1, y, START_COLOUR);
  }
  // A long result has more seams than the plots have room for lines: they become ticks above the waveform.
  const dense = denseSeams(input.seams.length, plotWidth);
  for (const seam of input.seams) {
    const x = xOf(seam * sampleRate);
    if (dense) for (let y = waveTop - 8; y < waveTop; y++) set(x, y, SEAM_COLOUR, 0.8);
    else for (let y = waveTop; y < specTop + specHeight; y++) set(x, y, SEAM_COLOUR, y < specTop ? 0.9 : 0.6);
  }
  const missedXs = (input.missedSeams ?? []).map((seam) => xOf(seam * sampleRate));
  drawMissedSeams(missedXs, [waveTop - 8, specTop, specTop + specHeight], set);
  drawTimeAxis(total / sampleRate, { left, plotWidth, y: axisY, imageWidth: width }, AXIS_COLOUR, set);
  if (zoom) {
    const marks = {
      added,
      seams: input.seams.map((s) => Math.round(s * sampleRate)),
      missed: (input.missedSeams ?? []).map((s) => Math.round(s * sampleRate)),
      keptLength,
    };
    const area = { left, plotWidth, top: height + 40, height: ZOOM_BAND_HEIGHT - 80 };
    drawZoomStrip(result, zoom, marks, area, set, input.zoomPeaks);
  }

  // One filter for every row ("up": the plots are mostly vertical stripes) instead of trying all five per row:
  // less than half the time, the file about 1 % larger.
  return signPng(new Uint8Array(PNG.sync.write(png, { filterType: 2 })));
}

/** The legend: the waveform's colours (orange only where something is added), then the lines across the plots. */
function legendEntries(input: PictureInput, dense: boolean, anyAdded: boolean) {
  return [
    { text: "original", colour: ORIGINAL_COLOUR, line: false },
    ...(anyAdded
      ? [{ text: input.seamSources ? "repeated" : "extension", colour: EXTENSION_COLOUR, line: false }]
      : []),
    { text: input.boundaryLabel ?? "extension starts", colour: START_COLOUR, line: true },
    { text: dense ? "seams (ticks)" : "seams", colour: SEAM_COLOUR, line: true },
    ...(input.missedSeams?.length ? [{ text: "seams missing a target", colour: MISSED_SEAM_COLOUR, line: true }] : []),
  ];
}

/** Seams that miss a target (their x): 3 px wide, opaque from `top` down to the spectrogram, then 70 %, to `bottom`. */
function drawMissedSeams(xs: readonly number[], [top, spectrogram, bottom]: readonly number[], set: Setter): void {
  for (const x of xs)
    for (let y = top!; y < bottom!; y++)
      for (let dx = -1; dx <= 1; dx++) set(x + dx, y, MISSED_SEAM_COLOUR, y < spectrogram! ? 1 : 0.7);
}

/** More than one seam per this many pixels of the plots: lines across them would hide the music. */
const SEAM_SPACING_PIXELS = 8;
const denseSeams = (seams: number, plotWidth: number) => seams * SEAM_SPACING_PIXELS > plotWidth;

/** Draws the spectrogram; returns its top frequency (the analysis copy's Nyquist), in Hz. */
function drawSpectrogram(audio: AudioStream, area: Area, set: Setter, gathered?: SpectrogramFrames): number {
  const signal = spectrogramSignal(audio, area.plotWidth, 2048, gathered);
  const nyquist = signal.sampleRate / 2;
  const frameSize = 2048;
  const binHz = signal.sampleRate / frameSize;
  const columns: Float32Array[] = [];
  let peakDb = -Infinity;
  // Row 0 is the top (highest frequency); rows are spaced evenly in log frequency.
  const bins = Array.from({ length: area.height }, (_, row) => {
    const hz = LOW_HZ * (nyquist / LOW_HZ) ** (1 - (row + 0.5) / area.height);
    return Math.min(frameSize / 2, Math.max(1, Math.round(hz / binHz)));
  });
  forEachSpectrumAt(signal.samples, signal.centres, frameSize, (column, magnitudes) => {
    const rows = new Float32Array(area.height);
    for (let row = 0; row < area.height; row++) {
      const db = 20 * Math.log10((magnitudes[bins[row]!] ?? 0) + 1e-9);
      rows[row] = db;
      if (db > peakDb) peakDb = db;
    }
    columns[column] = rows;
  });
  const range = 80;
  columns.forEach((rows, column) => {
    for (let row = 0; row < area.height; row++) {
      const level = Math.max(0, Math.min(1, (rows[row]! - (peakDb - range)) / range));
      set(area.left + column, area.top + row, HEAT_PALETTE[Math.round(level * 255)]!);
    }
  });
  return nyquist;
}

/** heat() at 256 levels, computed once: the spectrogram colours over a million pixels. */
const HEAT_PALETTE: readonly Rgb[] = Array.from({ length: 256 }, (_, i) => heat(i / 255));

/** Black -> purple -> orange -> pale yellow. */
function heat(t: number): Rgb {
  const stops: Rgb[] = [
    [0, 0, 4],
    [80, 18, 123],
    [182, 54, 121],
    [251, 136, 97],
    [252, 253, 191],
  ];
  const position = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(position));
  const f = position - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

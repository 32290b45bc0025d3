import { PNG } from "pngjs";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { forEachSpectrumAt } from "./spectrum.ts";
import { drawText, textWidth } from "./font.ts";
import { ANALYSIS_RATE } from "../analysis/signal.ts";

export interface PictureInput {
  readonly original: PcmAudio;
  /** Starts with the original; the rest is the extension. */
  readonly result: PcmAudio;
  /** Join points in the result, seconds. */
  readonly seams: readonly number[];
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
}

type Rgb = readonly [number, number, number];
const BACKGROUND: Rgb = [18, 18, 24];
const ORIGINAL_COLOUR: Rgb = [90, 170, 255];
const EXTENSION_COLOUR: Rgb = [255, 160, 60];
const SEAM_COLOUR: Rgb = [255, 60, 90];
const START_COLOUR: Rgb = [120, 255, 140];
const AXIS_COLOUR: Rgb = [200, 200, 210];
const LOW_HZ = 40;

/**
 * A PNG (default 1600x900) of the whole result: title and legend, the waveform (original blue, extension
 * orange), a log-frequency spectrogram, a green line where the extension begins, red lines at seams, and a
 * time axis with labelled ticks.
 */
export function renderExtensionPicture(input: PictureInput): Uint8Array {
  const width = input.width ?? 1600;
  const height = input.height ?? 900;
  const png = new PNG({ width, height });
  const set = (x: number, y: number, [r, g, b]: Rgb, alpha = 1) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (y * width + Math.round(x)) * 4;
    png.data[i] = Math.round(png.data[i]! * (1 - alpha) + r * alpha);
    png.data[i + 1] = Math.round(png.data[i + 1]! * (1 - alpha) + g * alpha);
    png.data[i + 2] = Math.round(png.data[i + 2]! * (1 - alpha) + b * alpha);
    png.data[i + 3] = 255;
  };
  for (let i = 0; i < width * height * 4; i += 4) {
    png.data[i] = BACKGROUND[0];
    png.data[i + 1] = BACKGROUND[1];
    png.data[i + 2] = BACKGROUND[2];
    png.data[i + 3] = 255;
  }

  const left = 60;
  const right = width - 20;
  const plotWidth = right - left;
  const sampleRate = input.result.sampleRate;
  const total = Math.max(1, frameCount(input.result));
  const originalLength = frameCount(input.original);
  const xOf = (sample: number) => left + Math.round((sample / total) * (plotWidth - 1));
  const header = 40;
  const waveTop = header + 10;
  const waveHeight = Math.round((height - header) * 0.28);
  const specTop = waveTop + waveHeight + 15;
  const axisY = height - 50;
  const specHeight = axisY - 10 - specTop;

  const title = input.title ?? "extended";
  drawText((x, y) => set(x, y, AXIS_COLOUR), title, left, 12, 2);
  const legend = [
    { text: "original", colour: ORIGINAL_COLOUR },
    { text: "extension", colour: EXTENSION_COLOUR },
    { text: "seams", colour: SEAM_COLOUR },
  ];
  let legendX = right - legend.reduce((w, l) => w + textWidth(l.text, 2) + 40, 0);
  for (const { text, colour } of legend) {
    for (let y = 14; y < 26; y++) for (let x = legendX; x < legendX + 20; x++) set(x, y, colour);
    drawText((x, y) => set(x, y, AXIS_COLOUR), text, legendX + 26, 13, 2);
    legendX += textWidth(text, 2) + 40;
  }

  drawWaveform(input.result, originalLength, { left, plotWidth, top: waveTop, height: waveHeight }, set);
  drawSpectrogram(input.result, { left, plotWidth, top: specTop, height: specHeight }, set);

  // Where the extension begins, and each seam.
  const markerX = xOf(originalLength);
  for (let y = waveTop; y < specTop + specHeight; y++) {
    set(markerX, y, START_COLOUR);
    set(markerX + 1, y, START_COLOUR);
  }
  for (const seam of input.seams) {
    const x = xOf(seam * sampleRate);
    for (let y = waveTop; y < specTop + specHeight; y++) set(x, y, SEAM_COLOUR, y < specTop ? 0.9 : 0.6);
  }
  drawTimeAxis(total / sampleRate, { left, plotWidth, y: axisY }, set);

  return new Uint8Array(PNG.sync.write(png));
}

interface Area {
  readonly left: number;
  readonly plotWidth: number;
  readonly top: number;
  readonly height: number;
}

type Setter = (x: number, y: number, colour: Rgb, alpha?: number) => void;

function drawWaveform(audio: PcmAudio, originalLength: number, area: Area, set: Setter): void {
  const total = Math.max(1, frameCount(audio));
  const middle = area.top + area.height / 2;
  for (let column = 0; column < area.plotWidth; column++) {
    const from = Math.floor((column / area.plotWidth) * total);
    const to = Math.max(from + 1, Math.floor(((column + 1) / area.plotWidth) * total));
    let low = 0;
    let high = 0;
    for (const channel of audio.channels) {
      // Past the end counts as 0, as a missing sample would.
      if (to > channel.length) low = Math.min(low, 0);
      const end = Math.min(to, channel.length);
      for (let i = from; i < end; i++) {
        const s = channel[i]!;
        if (s < low) low = s;
        if (s > high) high = s;
      }
    }
    const colour = from >= originalLength ? EXTENSION_COLOUR : ORIGINAL_COLOUR;
    const y0 = Math.round(middle - (high * area.height) / 2);
    const y1 = Math.round(middle - (low * area.height) / 2);
    for (let y = y0; y <= y1; y++) set(area.left + column, y, colour);
  }
}

function drawSpectrogram(audio: PcmAudio, area: Area, set: Setter): void {
  const signal = analysisSignalNear(audio, area.plotWidth, 2048);
  const nyquist = signal.sampleRate / 2;
  const frameSize = 2048;
  const binHz = signal.sampleRate / frameSize;
  const columns: Float32Array[] = [];
  let peakDb = -Infinity;
  forEachSpectrumAt(signal.samples, signal.centres, frameSize, (column, magnitudes) => {
    const rows = new Float32Array(area.height);
    for (let row = 0; row < area.height; row++) {
      // Row 0 is the top (highest frequency); rows are spaced evenly in log frequency.
      const fraction = 1 - (row + 0.5) / area.height;
      const hz = LOW_HZ * (nyquist / LOW_HZ) ** fraction;
      const bin = Math.min(magnitudes.length - 1, Math.max(1, Math.round(hz / binHz)));
      const db = 20 * Math.log10((magnitudes[bin] ?? 0) + 1e-9);
      rows[row] = db;
      if (db > peakDb) peakDb = db;
    }
    columns[column] = rows;
  });
  const range = 80;
  columns.forEach((rows, column) => {
    for (let row = 0; row < area.height; row++) {
      const level = Math.max(0, Math.min(1, (rows[row]! - (peakDb - range)) / range));
      set(area.left + column, area.top + row, heat(level));
    }
  });
}

/**
 * The mono analysis copy of remix/signal.ts analysisSignal (channel mean, then box decimation to about 22 kHz),
 * made only for the `frameSize` samples around each of `columns` evenly spaced centres: the spectrogram reads
 * nothing else. Elsewhere the samples are 0 and never read.
 */
function analysisSignalNear(audio: PcmAudio, columns: number, frameSize: number): { samples: Float32Array; sampleRate: number; centres: number[] } {
  const factor = Math.max(1, Math.floor(audio.sampleRate / ANALYSIS_RATE));
  const length = Math.floor(frameCount(audio) / factor);
  const samples = new Float32Array(length);
  const centres = Array.from({ length: columns }, (_, c) => Math.round(((c + 0.5) / columns) * length));
  const channels = audio.channels;
  const mono = new Float32Array(factor);
  const scale = Math.fround(1 / channels.length);
  let done = 0;
  for (const centre of centres) {
    const from = Math.max(done, centre - frameSize / 2);
    const to = Math.min(length, centre + frameSize / 2);
    for (let i = from; i < to; i++) {
      let sum = 0;
      for (let k = 0; k < factor; k++) {
        const at = i * factor + k;
        // Float32 sums in channel order, like downmix.
        if (channels.length === 1) sum += channels[0]![at]!;
        else if (channels.length === 2) sum += Math.fround(Math.fround(channels[0]![at]! + channels[1]![at]!) * scale);
        else {
          mono[k] = 0;
          for (const channel of channels) mono[k]! += channel[at] ?? 0;
          mono[k]! *= scale;
          sum += mono[k]!;
        }
      }
      samples[i] = sum / factor;
    }
    done = Math.max(done, to);
  }
  return { samples, sampleRate: audio.sampleRate / factor, centres };
}

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

function drawTimeAxis(seconds: number, area: { left: number; plotWidth: number; y: number }, set: Setter): void {
  for (let x = area.left; x < area.left + area.plotWidth; x++) set(x, area.y, AXIS_COLOUR);
  const step = niceStep(seconds / 12);
  for (let t = 0; t <= seconds + 1e-9; t += step) {
    const x = area.left + Math.round((t / seconds) * (area.plotWidth - 1));
    for (let y = area.y; y < area.y + 8; y++) set(x, y, AXIS_COLOUR);
    const label = formatTime(t);
    drawText((px, py) => set(px, py, AXIS_COLOUR), label, x - textWidth(label, 2) / 2, area.y + 14, 2);
  }
}

function niceStep(raw: number): number {
  const steps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800];
  return steps.find((s) => s >= raw) ?? 3600;
}

function formatTime(t: number): string {
  const minutes = Math.floor(t / 60);
  const seconds = Math.round(t - minutes * 60);
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}

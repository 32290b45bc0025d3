import FFT from "fft.js";
import { createChromaFilterBank, createMelFilterBank } from "meyda/dist/node/utilities.js";

export const CHROMA_BINS = 12;
export const MFCC_COEFFICIENTS = 13;
const MEL_BANDS = 26;

/**
 * Frame-level features of a mono signal. Arrays are row-major per frame:
 * chroma [frameCount * 12], mfcc [frameCount * 13], levelDb and flux [frameCount].
 * Frame f covers samples [f * hop, f * hop + frameSize).
 */
export interface FrameFeatures {
  readonly sampleRate: number;
  readonly frameSize: number;
  readonly hop: number;
  readonly frameCount: number;
  readonly chroma: Float32Array;
  readonly mfcc: Float32Array;
  /** RMS level of the frame, dBFS. */
  readonly levelDb: Float32Array;
  /** Half-wave rectified log-magnitude spectral flux against the previous frame (an onset envelope). */
  readonly flux: Float32Array;
}

export interface StftOptions {
  readonly frameSize?: number;
  readonly hop?: number;
}

/**
 * Short-time Fourier transform with a Hann window. Calls `onFrame(index, magnitudes)` for each frame;
 * `magnitudes` ([frameSize / 2 + 1]) is reused between calls.
 */
export function forEachSpectrum(
  samples: Float32Array,
  options: StftOptions,
  onFrame: (index: number, magnitudes: Float32Array) => void,
): number {
  const frameSize = options.frameSize ?? 2048;
  const hop = options.hop ?? 512;
  const fft = new FFT(frameSize);
  const window = hann(frameSize);
  const input = new Float64Array(frameSize);
  const output = fft.createComplexArray() as number[];
  const magnitudes = new Float32Array(frameSize / 2 + 1);
  const frameCount = samples.length < frameSize ? 1 : 1 + Math.floor((samples.length - frameSize) / hop);
  for (let f = 0; f < frameCount; f++) {
    const start = f * hop;
    for (let i = 0; i < frameSize; i++) input[i] = (samples[start + i] ?? 0) * window[i]!;
    fft.realTransform(output, input);
    for (let k = 0; k <= frameSize / 2; k++) {
      const re = output[2 * k]!;
      const im = output[2 * k + 1]!;
      magnitudes[k] = Math.sqrt(re * re + im * im);
    }
    onFrame(f, magnitudes);
  }
  return frameCount;
}

export function frameFeatures(samples: Float32Array, sampleRate: number, options: StftOptions = {}): FrameFeatures {
  const frameSize = options.frameSize ?? 2048;
  const hop = options.hop ?? 512;
  const chromaBank = sparseBank(createChromaFilterBank(CHROMA_BINS, sampleRate, frameSize));
  const melBank = sparseBank(createMelFilterBank(MEL_BANDS, sampleRate, frameSize));
  const dct = dctMatrix(MEL_BANDS, MFCC_COEFFICIENTS);
  const frameCount = samples.length < frameSize ? 1 : 1 + Math.floor((samples.length - frameSize) / hop);
  const chroma = new Float32Array(frameCount * CHROMA_BINS);
  const mfcc = new Float32Array(frameCount * MFCC_COEFFICIENTS);
  const levelDb = new Float32Array(frameCount);
  const flux = new Float32Array(frameCount);
  const bins = frameSize / 2 + 1;
  let previousLog = new Float32Array(bins);
  let currentLog = new Float32Array(bins);
  const power = new Float32Array(bins);
  const logMel = new Float64Array(MEL_BANDS);
  const squares = new Float64Array(samples.length + 1);
  for (let i = 0; i < samples.length; i++) squares[i + 1] = squares[i]! + samples[i]! * samples[i]!;

  forEachSpectrum(samples, { frameSize, hop }, (f, magnitudes) => {
    let positiveChange = 0;
    for (let k = 0; k < bins; k++) {
      const m = magnitudes[k]!;
      power[k] = m * m;
      const logMagnitude = Math.log1p(100 * m);
      currentLog[k] = logMagnitude;
      const change = logMagnitude - previousLog[k]!;
      if (change > 0) positiveChange += change;
    }
    flux[f] = f === 0 ? 0 : positiveChange / bins;
    [previousLog, currentLog] = [currentLog, previousLog];

    applyBank(chromaBank, magnitudes, chroma, f * CHROMA_BINS);
    for (let b = 0; b < MEL_BANDS; b++) {
      logMel[b] = Math.log(dotSparse(melBank[b]!, power) + 1e-10);
    }
    for (let c = 0; c < MFCC_COEFFICIENTS; c++) {
      let sum = 0;
      for (let b = 0; b < MEL_BANDS; b++) sum += dct[c * MEL_BANDS + b]! * logMel[b]!;
      mfcc[f * MFCC_COEFFICIENTS + c] = sum;
    }
    const start = Math.min(samples.length, f * hop);
    const energy = Math.max(0, squares[Math.min(samples.length, start + frameSize)]! - squares[start]!);
    levelDb[f] = energy > 0 ? Math.max(-120, 10 * Math.log10(energy / frameSize)) : -120;
  });
  return { sampleRate, frameSize, hop, frameCount, chroma, mfcc, levelDb, flux };
}

/** Mean of a feature over frames [from, to) into `out` (length = dims). */
export function meanOverFrames(
  values: Float32Array,
  dims: number,
  from: number,
  to: number,
  out: Float32Array = new Float32Array(dims),
): Float32Array {
  out.fill(0);
  const first = Math.max(0, from);
  const last = Math.min(values.length / dims, Math.max(to, first + 1));
  for (let f = first; f < last; f++) {
    for (let d = 0; d < dims; d++) out[d]! += values[f * dims + d]!;
  }
  const n = Math.max(1, last - first);
  for (let d = 0; d < dims; d++) out[d]! /= n;
  return out;
}

export function hann(size: number): Float64Array {
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return w;
}

interface SparseRow {
  readonly start: number;
  readonly weights: Float32Array;
}

/** Keeps only each filter's non-negligible span: the banks are mostly zeros. */
function sparseBank(bank: number[][]): SparseRow[] {
  return bank.map((row) => {
    const peak = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const limit = peak * 1e-4;
    let start = row.findIndex((v) => Math.abs(v) > limit);
    if (start < 0) start = 0;
    let end = row.length;
    while (end > start && Math.abs(row[end - 1] ?? 0) <= limit) end--;
    return { start, weights: Float32Array.from(row.slice(start, end)) };
  });
}

function dotSparse(row: SparseRow, values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < row.weights.length; i++) sum += row.weights[i]! * values[row.start + i]!;
  return sum;
}

function applyBank(bank: SparseRow[], values: Float32Array, out: Float32Array, offset: number): void {
  for (let b = 0; b < bank.length; b++) out[offset + b] = dotSparse(bank[b]!, values);
}

/** Orthonormal DCT-II, [coefficients * bands]. */
function dctMatrix(bands: number, coefficients: number): Float64Array {
  const m = new Float64Array(coefficients * bands);
  for (let c = 0; c < coefficients; c++) {
    const scale = c === 0 ? Math.sqrt(1 / bands) : Math.sqrt(2 / bands);
    for (let b = 0; b < bands; b++) m[c * bands + b] = scale * Math.cos((Math.PI * c * (b + 0.5)) / bands);
  }
  return m;
}

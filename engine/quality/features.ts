import FFT from "fft.js";
import { createChromaFilterBank, createMelFilterBank } from "meyda/dist/node/utilities.js";
import { CHROMA_BINS, MFCC_COEFFICIENTS, hann, type FrameFeatures } from "../remix/features.ts";

const MEL_BANDS = 26;
const FRAME_SIZE = 2048;
const HOP = 512;

/** A filter bank as one flat weight array with each filter's first bin and width (the banks are mostly zeros). */
interface PackedBank {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly offsets: Int32Array;
  readonly weights: Float32Array;
}

/**
 * The frame features of engine/remix/features.ts `frameFeatures` (2048-sample Hann frames, hop 512: chroma, MFCC,
 * level, flux), computed in one tight loop over typed arrays with the same operations in the same order, so the
 * numbers are bit-identical (about 10 % faster: no per-frame closure).
 */
export function frameFeaturesFast(samples: Float32Array, sampleRate: number): FrameFeatures {
  const frameSize = FRAME_SIZE;
  const hop = HOP;
  const chromaBank = packBank(createChromaFilterBank(CHROMA_BINS, sampleRate, frameSize));
  const melBank = packBank(createMelFilterBank(MEL_BANDS, sampleRate, frameSize));
  const dct = dctMatrix(MEL_BANDS, MFCC_COEFFICIENTS);
  const frameCount = samples.length < frameSize ? 1 : 1 + Math.floor((samples.length - frameSize) / hop);
  const chroma = new Float32Array(frameCount * CHROMA_BINS);
  const mfcc = new Float32Array(frameCount * MFCC_COEFFICIENTS);
  const levelDb = new Float32Array(frameCount);
  const flux = new Float32Array(frameCount);
  const bins = frameSize / 2 + 1;
  let previousLog = new Float32Array(bins);
  let currentLog = new Float32Array(bins);
  const magnitudes = new Float32Array(bins);
  const power = new Float32Array(bins);
  const logMel = new Float64Array(MEL_BANDS);
  const squares = new Float64Array(samples.length + 1);
  for (let i = 0; i < samples.length; i++) squares[i + 1] = squares[i]! + samples[i]! * samples[i]!;
  const fft = new FFT(frameSize);
  const window = hann(frameSize);
  const input = new Float64Array(frameSize);
  const output = fft.createComplexArray() as number[];
  const full = samples.length >= frameSize;

  for (let f = 0; f < frameCount; f++) {
    const start = f * hop;
    if (full) for (let i = 0; i < frameSize; i++) input[i] = samples[start + i]! * window[i]!;
    else for (let i = 0; i < frameSize; i++) input[i] = (samples[start + i] ?? 0) * window[i]!;
    fft.realTransform(output, input);
    let positiveChange = 0;
    for (let k = 0; k < bins; k++) {
      const re = output[2 * k]!;
      const im = output[2 * k + 1]!;
      magnitudes[k] = Math.sqrt(re * re + im * im);
      const m = magnitudes[k]!;
      power[k] = m * m;
      const logMagnitude = Math.log1p(100 * m);
      currentLog[k] = logMagnitude;
      const change = logMagnitude - previousLog[k]!;
      if (change > 0) positiveChange += change;
    }
    flux[f] = f === 0 ? 0 : positiveChange / bins;
    const swap = previousLog;
    previousLog = currentLog;
    currentLog = swap;

    for (let b = 0; b < CHROMA_BINS; b++) chroma[f * CHROMA_BINS + b] = dotPacked(chromaBank, b, magnitudes);
    for (let b = 0; b < MEL_BANDS; b++) logMel[b] = Math.log(dotPacked(melBank, b, power) + 1e-10);
    for (let c = 0; c < MFCC_COEFFICIENTS; c++) {
      let sum = 0;
      for (let b = 0; b < MEL_BANDS; b++) sum += dct[c * MEL_BANDS + b]! * logMel[b]!;
      mfcc[f * MFCC_COEFFICIENTS + c] = sum;
    }
    const from = Math.min(samples.length, start);
    const energy = Math.max(0, squares[Math.min(samples.length, from + frameSize)]! - squares[from]!);
    levelDb[f] = energy > 0 ? Math.max(-120, 10 * Math.log10(energy / frameSize)) : -120;
  }
  return { sampleRate, frameSize, hop, frameCount, chroma, mfcc, levelDb, flux };
}

function dotPacked(bank: PackedBank, row: number, values: Float32Array): number {
  const start = bank.starts[row]!;
  const offset = bank.offsets[row]!;
  const length = bank.lengths[row]!;
  const weights = bank.weights;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += weights[offset + i]! * values[start + i]!;
  return sum;
}

/** Same spans as remix/features.ts sparseBank: drops each filter's leading and trailing near-zero weights. */
function packBank(bank: number[][]): PackedBank {
  const starts = new Int32Array(bank.length);
  const lengths = new Int32Array(bank.length);
  const offsets = new Int32Array(bank.length);
  const rows: number[][] = [];
  let total = 0;
  bank.forEach((row, b) => {
    const peak = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const limit = peak * 1e-4;
    let start = row.findIndex((v) => Math.abs(v) > limit);
    if (start < 0) start = 0;
    let end = row.length;
    while (end > start && Math.abs(row[end - 1] ?? 0) <= limit) end--;
    starts[b] = start;
    lengths[b] = end - start;
    offsets[b] = total;
    total += end - start;
    rows.push(row.slice(start, end));
  });
  const weights = new Float32Array(total);
  rows.forEach((row, b) => weights.set(row, offsets[b]!));
  return { starts, lengths, offsets, weights };
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

/**
 * The `flux` of frameFeatures on the same frame grid (frame f covers samples [f * 512, f * 512 + 2048)), but only
 * for the frames in `ranges` ([first, last] inclusive, clamped to the grid); every other entry is 0. Bit-identical
 * to frameFeatures where computed. [frameCount]
 */
export function fluxInRanges(samples: Float32Array, ranges: readonly (readonly [number, number])[]): Float32Array {
  const frameSize = FRAME_SIZE;
  const hop = HOP;
  const frameCount = samples.length < frameSize ? 1 : 1 + Math.floor((samples.length - frameSize) / hop);
  const flux = new Float32Array(frameCount);
  const wanted = new Uint8Array(frameCount);
  for (const [first, last] of ranges) for (let f = Math.max(0, first); f <= Math.min(frameCount - 1, last); f++) wanted[f] = 1;
  const bins = frameSize / 2 + 1;
  const fft = new FFT(frameSize);
  const window = hann(frameSize);
  const input = new Float64Array(frameSize);
  const output = fft.createComplexArray() as number[];
  let previousLog = new Float32Array(bins);
  let currentLog = new Float32Array(bins);
  const logMagnitudes = (frame: number, out: Float32Array) => {
    const start = frame * hop;
    for (let i = 0; i < frameSize; i++) input[i] = (samples[start + i] ?? 0) * window[i]!;
    fft.realTransform(output, input);
    for (let k = 0; k < bins; k++) {
      const re = output[2 * k]!;
      const im = output[2 * k + 1]!;
      // Rounded through float32 like the magnitudes array of frameFeatures.
      out[k] = Math.log1p(100 * Math.fround(Math.sqrt(re * re + im * im)));
    }
  };
  let previousFrame = -2;
  for (let f = 1; f < frameCount; f++) {
    if (!wanted[f]) continue;
    if (previousFrame !== f - 1) logMagnitudes(f - 1, previousLog);
    const start = f * hop;
    for (let i = 0; i < frameSize; i++) input[i] = (samples[start + i] ?? 0) * window[i]!;
    fft.realTransform(output, input);
    let positiveChange = 0;
    for (let k = 0; k < bins; k++) {
      const re = output[2 * k]!;
      const im = output[2 * k + 1]!;
      const logMagnitude = Math.log1p(100 * Math.fround(Math.sqrt(re * re + im * im)));
      currentLog[k] = logMagnitude;
      const change = logMagnitude - previousLog[k]!;
      if (change > 0) positiveChange += change;
    }
    flux[f] = positiveChange / bins;
    const swap = previousLog;
    previousLog = currentLog;
    currentLog = swap;
    previousFrame = f;
  }
  return flux;
}

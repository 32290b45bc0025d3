import { magnitudeSpectrum } from "./fft.ts";
import { createChromaFilterBank, createMelFilterBank } from "meyda/dist/node/utilities.js";

export const CHROMA_BINS = 12;
export const MFCC_COEFFICIENTS = 13;
const MEL_BANDS = 26;
export const FRAME_SIZE = 2048;
export const HOP = 512;

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

/** A filter bank as one flat weight array with each filter's first bin and width (the banks are mostly zeros). */
interface PackedBank {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly offsets: Int32Array;
  readonly weights: Float32Array;
}

export function frameCountOf(samples: Float32Array): number {
  return frameCountOfLength(samples.length);
}

/** Frames of FRAME_SIZE every HOP in `length` samples (one, padded, when shorter than a frame). */
export function frameCountOfLength(length: number): number {
  return length < FRAME_SIZE ? 1 : 1 + Math.floor((length - FRAME_SIZE) / HOP);
}

const WINDOW = hann(FRAME_SIZE);

/** One Hann-windowed FFT frame of `samples` at a time: magnitudes (float32) and their log1p(100 m). */
function readSpectrum(
  samples: Float32Array,
  frame: number,
  magnitudes: Float32Array,
  logMagnitudes: Float32Array,
): void {
  const start = frame * HOP;
  const inside = start + FRAME_SIZE <= samples.length;
  magnitudeSpectrum(
    FRAME_SIZE,
    (input) => {
      if (inside) for (let i = 0; i < FRAME_SIZE; i++) input[i] = samples[start + i]! * WINDOW[i]!;
      else for (let i = 0; i < FRAME_SIZE; i++) input[i] = (samples[start + i] ?? 0) * WINDOW[i]!;
    },
    magnitudes,
  );
  for (let k = 0; k <= FRAME_SIZE / 2; k++) logMagnitudes[k] = Math.log1p(100 * magnitudes[k]!);
}

/** Half-wave rectified change of log magnitudes, per bin: the one definition of spectral flux. */
function positiveFlux(current: Float32Array, previous: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < current.length; k++) {
    const change = current[k]! - previous[k]!;
    if (change > 0) sum += change;
  }
  return sum / current.length;
}

/** Chroma, MFCC, level and flux of 2048-sample Hann frames at hop 512. */
export function frameFeatures(samples: Float32Array, sampleRate: number): FrameFeatures {
  const builder = frameFeatureBuilder(sampleRate);
  builder.advance(samples, true);
  return builder.result();
}

/** Frames whose whole window lies in the first `length` samples of a signal that may go on. */
const completeFrames = (length: number) => (length < FRAME_SIZE ? 0 : 1 + Math.floor((length - FRAME_SIZE) / HOP));

/**
 * frameFeatures of a signal that arrives in pieces (a decoder's output): `advance` is handed the signal so far (the
 * same samples as before, and more) and computes every frame whose window it holds; with `final` the signal is
 * whole and the last frames (zero-padded) are computed too. The result is frameFeatures' of the whole signal, bit
 * for bit: the frames are the same computation in the same order. `expectedLength` (samples) sizes the arrays at
 * once, so that they need not grow as the signal comes.
 */
export function frameFeatureBuilder(sampleRate: number, expectedLength = 0) {
  const chromaBank = packBank(createChromaFilterBank(CHROMA_BINS, sampleRate, FRAME_SIZE));
  const melBank = packBank(createMelFilterBank(MEL_BANDS, sampleRate, FRAME_SIZE));
  const dct = dctMatrix(MEL_BANDS, MFCC_COEFFICIENTS);
  const bins = FRAME_SIZE / 2 + 1;
  let previousLog = new Float32Array(bins);
  let currentLog = new Float32Array(bins);
  const magnitudes = new Float32Array(bins);
  const power = new Float32Array(bins);
  const logMel = new Float64Array(MEL_BANDS);
  let chroma = new Float32Array(0);
  let mfcc = new Float32Array(0);
  let levelDb = new Float32Array(0);
  let flux = new Float32Array(0);
  const squares = squareSums(expectedLength);
  let done = 0;
  let frameCount = 0;

  const reserve = (frames: number) => {
    if (frames <= levelDb.length) return;
    const room = Math.max(frames, Math.ceil(levelDb.length * 1.5));
    chroma = grownTo(chroma, room * CHROMA_BINS);
    mfcc = grownTo(mfcc, room * MFCC_COEFFICIENTS);
    levelDb = grownTo(levelDb, room);
    flux = grownTo(flux, room);
  };
  const frame = (samples: Float32Array, f: number) => {
    readSpectrum(samples, f, magnitudes, currentLog);
    flux[f] = f === 0 ? 0 : positiveFlux(currentLog, previousLog);
    [previousLog, currentLog] = [currentLog, previousLog];
    for (let k = 0; k < bins; k++) power[k] = magnitudes[k]! * magnitudes[k]!;
    for (let b = 0; b < CHROMA_BINS; b++) chroma[f * CHROMA_BINS + b] = dotPacked(chromaBank, b, magnitudes);
    for (let b = 0; b < MEL_BANDS; b++) logMel[b] = Math.log(dotPacked(melBank, b, power) + 1e-10);
    for (let c = 0; c < MFCC_COEFFICIENTS; c++) {
      let sum = 0;
      for (let b = 0; b < MEL_BANDS; b++) sum += dct[c * MEL_BANDS + b]! * logMel[b]!;
      mfcc[f * MFCC_COEFFICIENTS + c] = sum;
    }
    const from = Math.min(samples.length, f * HOP);
    const energy = Math.max(0, squares.to(Math.min(samples.length, from + FRAME_SIZE)) - squares.to(from));
    levelDb[f] = energy > 0 ? Math.max(-120, 10 * Math.log10(energy / FRAME_SIZE)) : -120;
  };

  if (expectedLength > 0) reserve(Math.max(1, completeFrames(expectedLength)));
  return {
    advance(samples: Float32Array, final: boolean): void {
      if (samples.length < squares.summed()) throw new RangeError("frameFeatureBuilder: the signal may only grow");
      squares.add(samples);
      const until = final ? frameCountOf(samples) : completeFrames(samples.length);
      reserve(until);
      for (; done < until; done++) frame(samples, done);
      if (final) frameCount = until;
    },
    /** The features of the whole signal (after advance(signal, true)). */
    result(): FrameFeatures {
      const cut = (values: Float32Array, dims: number) =>
        values.length === frameCount * dims ? values : values.slice(0, frameCount * dims);
      return {
        sampleRate,
        frameSize: FRAME_SIZE,
        hop: HOP,
        frameCount,
        chroma: cut(chroma, CHROMA_BINS),
        mfcc: cut(mfcc, MFCC_COEFFICIENTS),
        levelDb: cut(levelDb, 1),
        flux: cut(flux, 1),
      };
    },
  };
}

/**
 * Running sums of squares of a signal that may grow, kept where a frame's level reads them: `to(i)` is the sum of the
 * first i samples' squares, for i on the hop grid (frames start and end there) or i the length summed so far (the last
 * frame of a signal shorter than a frame ends there). 8 bytes a hop, not 8 bytes a sample.
 */
function squareSums(expectedLength: number) {
  let marks = new Float64Array(Math.floor(expectedLength / HOP) + 1);
  let total = 0;
  let summed = 0;
  return {
    summed: () => summed,
    /** Sums the samples past those summed before (the same signal, grown). */
    add(samples: Float32Array): void {
      const needed = Math.floor(samples.length / HOP) + 1;
      if (needed > marks.length) marks = grownTo(marks, Math.max(needed, Math.ceil(marks.length * 1.5)));
      // The same additions in the same order as one running sum per sample: the same sums, bit for bit.
      for (let i = summed; i < samples.length; ) {
        const stop = Math.min(samples.length, (Math.floor(i / HOP) + 1) * HOP);
        for (; i < stop; i++) total += samples[i]! * samples[i]!;
        if (i % HOP === 0) marks[i / HOP] = total;
      }
      summed = samples.length;
    },
    to: (index: number): number => (index === summed ? total : marks[index / HOP]!),
  };
}

/** A copy of `values` in a longer array of their kind. */
function grownTo<T extends Float32Array | Float64Array>(values: T, size: number): T {
  const grown = new (values.constructor as new (size: number) => T)(size);
  grown.set(values);
  return grown;
}

/**
 * The `flux` of frameFeatures on the same frame grid, but only for the frames in `ranges` ([first, last]
 * inclusive, clamped to the grid); every other entry is 0. Equal to frameFeatures' flux where computed.
 */
export function fluxInRanges(samples: Float32Array, ranges: readonly (readonly [number, number])[]): Float32Array {
  const frameCount = frameCountOf(samples);
  const flux = new Float32Array(frameCount);
  const wanted = new Uint8Array(frameCount);
  for (const [first, last] of ranges)
    for (let f = Math.max(0, first); f <= Math.min(frameCount - 1, last); f++) wanted[f] = 1;
  const bins = FRAME_SIZE / 2 + 1;
  const magnitudes = new Float32Array(bins);
  let previousLog = new Float32Array(bins);
  let currentLog = new Float32Array(bins);
  let previousFrame = -2;
  for (let f = 1; f < frameCount; f++) {
    if (!wanted[f]) continue;
    if (previousFrame !== f - 1) readSpectrum(samples, f - 1, magnitudes, previousLog);
    readSpectrum(samples, f, magnitudes, currentLog);
    flux[f] = positiveFlux(currentLog, previousLog);
    [previousLog, currentLog] = [currentLog, previousLog];
    previousFrame = f;
  }
  return flux;
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

function dotPacked(bank: PackedBank, row: number, values: Float32Array): number {
  const start = bank.starts[row]!;
  const offset = bank.offsets[row]!;
  const length = bank.lengths[row]!;
  const weights = bank.weights;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += weights[offset + i]! * values[start + i]!;
  return sum;
}

/** Drops each filter's leading and trailing near-zero weights and packs the rest into one array. */
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
  rows.forEach((row, b) => {
    weights.set(row, offsets[b]!);
  });
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

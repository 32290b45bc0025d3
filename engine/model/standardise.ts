/**
 * Per-dimension standardisation of feature frames, the conductor's counterpart of the audio model's loudness
 * normalisation: z = (x - mean) / std with the mean and standard deviation of every dimension over all frames of the
 * training files, stored with the model (harmonizer.json) and used alike in training, evaluation and inference.
 */
import { z } from "zod";

export const StandardisationSchema = z.object({
  /** Per-dimension mean of the training frames, raw feature units. */
  mean: z.array(z.number()).min(1),
  /** Per-dimension standard deviation of the training frames (at least MIN_STD). */
  std: z.array(z.number().positive()).min(1),
});

export type Standardisation = z.infer<typeof StandardisationSchema>;

/** Floor of a stored standard deviation, so a constant dimension divides by something. */
export const MIN_STD = 1e-6;

/**
 * Mean and standard deviation of every dimension over all frames ([n][F]); the dimensions of each group in
 * `pooled` ([start, end) ranges, e.g. the 12 chroma bins) share one mean and deviation, taken over all of them.
 * Throws when there is no frame.
 */
export function computeStandardisation(
  frames: Iterable<ArrayLike<number>>,
  pooled: readonly (readonly [number, number])[] = [],
): Standardisation {
  let sums: Float64Array | undefined;
  let squares: Float64Array | undefined;
  let count = 0;
  for (const frame of frames) {
    sums ??= new Float64Array(frame.length);
    squares ??= new Float64Array(frame.length);
    for (let d = 0; d < sums.length; d++) {
      sums[d]! += frame[d]!;
      squares[d]! += frame[d]! * frame[d]!;
    }
    count += 1;
  }
  if (sums === undefined || squares === undefined) throw new RangeError("no feature frames to standardise with");
  for (const [start, end] of pooled) {
    const pool = (values: Float64Array) =>
      values.fill(values.subarray(start, end).reduce((a, b) => a + b, 0) / (end - start), start, end);
    pool(sums);
    pool(squares);
  }
  const mean = Array.from(sums, (s) => s / count);
  const std = Array.from(squares, (q, d) => Math.max(MIN_STD, Math.sqrt(Math.max(0, q / count - mean[d]! ** 2))));
  return { mean, std };
}

/** Writes (frame - mean) / std into out at offset (out and frame of length F = mean.length). */
export function standardiseInto(frame: ArrayLike<number>, s: Standardisation, out: Float32Array, offset = 0): void {
  if (frame.length !== s.mean.length)
    throw new RangeError(`expected a frame of ${s.mean.length} values, got ${frame.length}`);
  for (let d = 0; d < s.mean.length; d++) out[offset + d] = (frame[d]! - s.mean[d]!) / s.std[d]!;
}

/** The inverse: values[offset .. offset + F) * std + mean, as a new raw frame [F]. */
export function destandardise(values: ArrayLike<number>, s: Standardisation, offset = 0): Float32Array {
  const out = new Float32Array(s.mean.length);
  for (let d = 0; d < out.length; d++) out[d] = values[offset + d]! * s.std[d]! + s.mean[d]!;
  return out;
}

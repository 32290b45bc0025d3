import { hann } from "../analysis/features.ts";
import { magnitudeSpectrum } from "../analysis/fft.ts";

/** Magnitude spectrum ([frameSize / 2 + 1], reused) of a Hann-windowed frame centred on each position. */
export function forEachSpectrumAt(
  samples: Float32Array,
  centres: readonly number[],
  frameSize: number,
  onFrame: (index: number, magnitudes: Float32Array) => void,
): void {
  const window = hann(frameSize);
  const magnitudes = new Float32Array(frameSize / 2 + 1);
  let start = 0;
  const fill = (input: Float32Array) => {
    for (let i = 0; i < frameSize; i++) input[i] = (samples[start + i] ?? 0) * window[i]!;
  };
  centres.forEach((centre, index) => {
    start = centre - frameSize / 2;
    magnitudeSpectrum(frameSize, fill, magnitudes);
    for (let k = 0; k <= frameSize / 2; k++) magnitudes[k]! /= frameSize;
    onFrame(index, magnitudes);
  });
}

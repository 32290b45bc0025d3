import FFT from "fft.js";
import { hann } from "../analysis/features.ts";

/** Magnitude spectrum ([frameSize / 2 + 1], reused) of a Hann-windowed frame centred on each position. */
export function forEachSpectrumAt(
  samples: Float32Array,
  centres: readonly number[],
  frameSize: number,
  onFrame: (index: number, magnitudes: Float32Array) => void,
): void {
  const fft = new FFT(frameSize);
  const window = hann(frameSize);
  const input = new Float64Array(frameSize);
  const output = fft.createComplexArray() as number[];
  const magnitudes = new Float32Array(frameSize / 2 + 1);
  centres.forEach((centre, index) => {
    const start = centre - frameSize / 2;
    for (let i = 0; i < frameSize; i++) input[i] = (samples[start + i] ?? 0) * window[i]!;
    fft.realTransform(output, input);
    for (let k = 0; k <= frameSize / 2; k++) {
      const re = output[2 * k]!;
      const im = output[2 * k + 1]!;
      magnitudes[k] = Math.sqrt(re * re + im * im) / frameSize;
    }
    onFrame(index, magnitudes);
  });
}

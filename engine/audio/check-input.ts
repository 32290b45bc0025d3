import { HarmonizerInputError } from "../errors.ts";
import type { InputLimits } from "../limits.ts";
import { dbfs } from "./levels.ts";
import { durationSeconds, type PcmAudio } from "./pcm.ts";

/** Below either level the input counts as silent: nothing for the engine to continue. */
export const SILENCE_PEAK_DBFS = -60;
export const SILENCE_RMS_DBFS = -70;

function formatSeconds(seconds: number): string {
  const text = `${seconds.toFixed(1)} s`;
  return seconds >= 120 ? `${text} (${(seconds / 60).toFixed(1)} min)` : text;
}

function formatLevel(level: number): string {
  return Number.isFinite(level) ? `${level.toFixed(1)} dBFS` : "-inf dBFS (digital silence)";
}

/** Peak and RMS over all channels together. */
function levels(audio: PcmAudio): { peak: number; rms: number } {
  let max = 0;
  let sumOfSquares = 0;
  let count = 0;
  for (const channel of audio.channels) {
    for (let i = 0; i < channel.length; i++) {
      const value = channel[i]!;
      const magnitude = Math.abs(value);
      if (magnitude > max) max = magnitude;
      sumOfSquares += value * value;
    }
    count += channel.length;
  }
  return { peak: max, rms: count === 0 ? 0 : Math.sqrt(sumOfSquares / count) };
}

/**
 * Refuses input the engine cannot extend, with a message naming the measured value and the limit:
 * TOO_SHORT (under limits.minInputSeconds), TOO_LONG (over limits.maxInputSeconds),
 * SILENT (peak under -60 dBFS or RMS under -70 dBFS).
 */
export function checkInput(audio: PcmAudio, limits: InputLimits): void {
  const seconds = durationSeconds(audio);
  if (seconds < limits.minInputSeconds) {
    throw new HarmonizerInputError(
      "TOO_SHORT",
      `input is ${formatSeconds(seconds)} long; at least ${formatSeconds(limits.minInputSeconds)} is needed`,
    );
  }
  if (seconds > limits.maxInputSeconds) {
    throw new HarmonizerInputError(
      "TOO_LONG",
      `input is ${formatSeconds(seconds)} long; at most ${formatSeconds(limits.maxInputSeconds)} is accepted`,
    );
  }
  const measured = levels(audio);
  const peakDb = dbfs(measured.peak);
  if (!(peakDb >= SILENCE_PEAK_DBFS)) {
    throw new HarmonizerInputError(
      "SILENT",
      `input is silent: its peak level is ${formatLevel(peakDb)}, below the ${SILENCE_PEAK_DBFS} dBFS threshold`,
    );
  }
  const rmsDb = dbfs(measured.rms);
  if (!(rmsDb >= SILENCE_RMS_DBFS)) {
    throw new HarmonizerInputError(
      "SILENT",
      `input is nearly silent: its RMS level is ${formatLevel(rmsDb)}, below the ${SILENCE_RMS_DBFS} dBFS threshold`,
    );
  }
}

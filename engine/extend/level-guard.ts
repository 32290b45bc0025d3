import { peak, rms } from "../audio/levels.ts";

/** The level window of the guard: EBU R128's short-term 3 s, stepped by 1 s. */
const WINDOW_SECONDS = 3;
const HOP_SECONDS = 1;

/** The song's loudest short-term RMS and its sample peak, the ceiling of any generated audio. */
export interface LevelCeiling {
  readonly loudestRms: number;
  readonly peak: number;
}

export function levelCeiling(song: Float32Array, sampleRate: number): LevelCeiling {
  const windows = windowLevels(song, sampleRate);
  return { loudestRms: windows.length > 0 ? Math.max(...windows) : rms(song), peak: peak(song) };
}

/**
 * Scales `generated` down, in place, where it is louder than the song ever is: every 3 s window's RMS at most the
 * song's loudest, every sample at most the song's peak. The gain moves smoothly from one 1 s step to the next and
 * never rises above 1. Returns the largest cut, dB (0 when nothing was louder).
 */
export function limitToCeiling(generated: Float32Array, sampleRate: number, ceiling: LevelCeiling): number {
  const hop = Math.round(HOP_SECONDS * sampleRate);
  const steps = Math.ceil(generated.length / hop);
  if (steps === 0) return 0;
  const window = Math.round(WINDOW_SECONDS * sampleRate);
  const gains = new Float64Array(steps).fill(1);
  for (let s = 0; s < steps; s++) {
    // A window starting at this step covers it and the next two: each of them may be at most the window's gain.
    const part = generated.subarray(s * hop, s * hop + window);
    const level = rms(part);
    const levelGain = level > ceiling.loudestRms ? ceiling.loudestRms / level : 1;
    for (let t = s; t < Math.min(steps, s + Math.ceil(window / hop)); t++) gains[t] = Math.min(gains[t]!, levelGain);
    const stepPeak = peak(generated.subarray(s * hop, (s + 1) * hop));
    if (stepPeak > ceiling.peak) gains[s] = Math.min(gains[s]!, ceiling.peak / stepPeak);
  }
  // A lower step holds its gain whole; the higher step beside it ramps to it over its own first or last quarter.
  const ramp = Math.max(1, Math.round(hop / 4));
  for (let i = 0; i < generated.length; i++) {
    const s = Math.floor(i / hop);
    const into = i - s * hop;
    let gain = gains[s]!;
    const previous = s > 0 ? gains[s - 1]! : gain;
    const next = s + 1 < steps ? gains[s + 1]! : gain;
    if (into < ramp && previous < gain) gain = previous + ((gain - previous) * into) / ramp;
    if (hop - into <= ramp && next < gain) gain = Math.min(gain, next + ((gain - next) * (hop - into - 1)) / ramp);
    generated[i] = generated[i]! * gain;
  }
  // The ramps may leave a sample just above the peak: the peak is a hard ceiling.
  for (let i = 0; i < generated.length; i++) {
    const v = generated[i]!;
    if (v > ceiling.peak) generated[i] = ceiling.peak;
    else if (v < -ceiling.peak) generated[i] = -ceiling.peak;
  }
  const lowest = Math.min(...gains);
  return lowest < 1 ? -20 * Math.log10(lowest) : 0;
}

function windowLevels(samples: Float32Array, sampleRate: number): number[] {
  const window = Math.round(WINDOW_SECONDS * sampleRate);
  const hop = Math.round(HOP_SECONDS * sampleRate);
  const levels: number[] = [];
  for (let start = 0; start + window <= samples.length; start += hop) {
    levels.push(rms(samples.subarray(start, start + window)));
  }
  return levels;
}

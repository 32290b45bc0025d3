import type { SignalAnalysis } from "../analysis/beats.ts";
import { downmix } from "../analysis/signal.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { clickRatio } from "../quality/clicks.ts";
import { measureSeams } from "../quality/seams.ts";
import { seamReferenceOf } from "../quality/span.ts";

/** How a loop's join sounds, measured on the audio a player makes: the loop's end followed by its start. */
export interface LoopJoin {
  /** Largest sample step at the join over the median step around it, worst channel (a click above 8). */
  readonly clickRatio: number;
  /** Short-term loudness of the 3 s after the join minus the 3 s before, LU. */
  readonly loudnessChangeLu: number | null;
  /** Onset strength at the join, in standard deviations of the song's own beats (a bump above about 2). */
  readonly fluxZ: number | null;
  /** Beat-phase shift across the join, in beats (0 in step, 0.5 off by half a beat). */
  readonly beatPhaseError: number | null;
  /** RMS difference of the 20 ms after the end and after the start, over their RMS (0 the same waveform). */
  readonly waveformError: number;
}

/** Context kept on each side of the join when it is measured. */
const CONTEXT_SECONDS = 10;
/** Window compared sample by sample across a join (see waveformError and alignStart). */
export const MATCH_SECONDS = 0.02;

/**
 * The join of the loop [start, end) (samples): a player plays up to end - 1, then start. Measured with the seam
 * metrics of the extension's report (the same functions, the same reference: the song's own beats and onsets).
 * `mono`: downmix(audio), when the caller has it.
 */
export function measureLoopJoin(
  audio: PcmAudio,
  analysis: SignalAnalysis,
  start: number,
  end: number,
  mono: Float32Array = downmix(audio),
): LoopJoin {
  const sampleRate = audio.sampleRate;
  const context = Math.round(CONTEXT_SECONDS * sampleRate);
  const before = Math.min(context, end);
  const after = Math.min(context, frameCount(audio) - start);
  const joined: PcmAudio = {
    sampleRate,
    channels: audio.channels.map((channel) => {
      const out = new Float32Array(before + after);
      out.set(channel.subarray(end - before, end));
      out.set(channel.subarray(start, start + after), before);
      return out;
    }),
  };
  const seam = before / sampleRate;
  const metrics = measureSeams(joined, [seam], before, seamReferenceOf(analysis), (_, stage) => stage());
  return {
    clickRatio: clickRatio(joined.channels, sampleRate, before),
    loudnessChangeLu: metrics.seamLoudnessChangeLu,
    fluxZ: metrics.seamFluxZ,
    beatPhaseError: metrics.beatPhaseErrorAtSeams,
    waveformError: waveformDifference(mono, end, start, Math.round(MATCH_SECONDS * sampleRate)),
  };
}

/** RMS of x[a + k] - x[b + k] over k in [0, length) over the RMS of x[a + k]; 0 when identical. */
export function waveformDifference(x: Float32Array, a: number, b: number, length: number): number {
  let difference = 0;
  let energy = 0;
  for (let k = 0; k < length; k++) {
    const u = x[a + k] ?? 0;
    difference += (u - (x[b + k] ?? 0)) ** 2;
    energy += u * u;
  }
  return energy > 0 ? Math.sqrt(difference / energy) : difference > 0 ? Infinity : 0;
}

/** Samples either side of the coarse match where the start may move to make the step across the join smallest. */
const STEP_SEARCH_SECONDS = 0.0015;

/**
 * The loop start within ±searchSamples of `start` whose surroundings best match the loop end's, sample by sample:
 * the squared difference of the MATCH_SECONDS before and after each point (beats are found on a frame grid of about
 * 23 ms). Then, within STEP_SEARCH_SECONDS of that, the start whose nearest samples (all channels) are closest to
 * the end's: the step a player makes across the join is then close to the song's own.
 */
export function alignStart(audio: PcmAudio, mono: Float32Array, start: number, end: number, searchSamples: number) {
  const half = Math.round(MATCH_SECONDS * audio.sampleRate);
  let coarse = start;
  let bestError = Infinity;
  const from = Math.max(half, start - searchSamples);
  const to = Math.min(mono.length - half, start + searchSamples, end - half);
  for (let candidate = from; candidate <= to; candidate++) {
    let error = 0;
    for (let k = -half; k < half && error < bestError; k++)
      error += ((mono[end + k] ?? 0) - (mono[candidate + k] ?? 0)) ** 2;
    if (error < bestError) {
      bestError = error;
      coarse = candidate;
    }
  }
  const step = Math.round(STEP_SEARCH_SECONDS * audio.sampleRate);
  let best = coarse;
  bestError = Infinity;
  for (let candidate = Math.max(1, coarse - step); candidate <= Math.min(end - 2, coarse + step); candidate++) {
    let error = 0;
    // The two samples either side of the join against those either side of the end: the step a player makes from
    // end - 1 to the start is then close to the song's own step there.
    for (const x of audio.channels)
      for (let k = -2; k < 2; k++) error += ((x[end + k] ?? 0) - (x[candidate + k] ?? 0)) ** 2;
    if (error < bestError) {
      bestError = error;
      best = candidate;
    }
  }
  return best;
}

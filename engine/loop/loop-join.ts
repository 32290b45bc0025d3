import type { SignalAnalysis } from "../analysis/beats.ts";
import { downmix } from "../analysis/signal.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { clickRatio } from "../quality/clicks.ts";
import { measureSeams } from "../quality/seams.ts";
import { seamReferenceOf } from "../quality/span.ts";

/** How a loop's join sounds, measured on the audio a player makes: the loop's end followed by its start. */
export interface LoopJoin {
  /**
   * The jump the join adds: |sample played after end - 1 (the start) - sample the song plays there (the end)| over the
   * song's median step in the 20 ms around the end, worst channel. 0 for a perfect join; above 8 it clicks.
   */
  readonly stepRatio: number;
  /**
   * The extension report's click figure at the join: largest step within 2 ms over the median step around it. It
   * reads the music too (an attack right after the start measures high however clean the join): see stepRatio.
   */
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
/** Window compared sample by sample across a join (see waveformError and alignJoin). */
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
  // The seam leaves the song at `end` and enters it at `start`.
  const seam = { at: before, source: { fromSeconds: end / sampleRate, toSeconds: start / sampleRate } };
  const metrics = measureSeams(joined, audio, [seam], before, seamReferenceOf(analysis), (_, stage) => stage());
  return {
    stepRatio: stepRatio(audio.channels, start, end, Math.round(CLICK_CONTEXT_SECONDS * sampleRate)),
    clickRatio: clickRatio(joined.channels, sampleRate, before),
    loudnessChangeLu: metrics.seamLoudnessChangeLu,
    fluxZ: metrics.seamFluxZ,
    beatPhaseError: metrics.beatPhaseErrorAtSeams,
    waveformError: waveformDifference(mono, end, start, Math.round(MATCH_SECONDS * sampleRate)),
  };
}

const CLICK_CONTEXT_SECONDS = 0.02;

/** See LoopJoin.stepRatio; `context`: samples either side of the end the median step is taken over. */
export function stepRatio(channels: readonly Float32Array[], start: number, end: number, context: number): number {
  let worst = 0;
  for (const x of channels) {
    const steps: number[] = [];
    for (let i = Math.max(0, end - context); i < Math.min(x.length - 1, end + context); i++)
      steps.push(Math.abs(x[i + 1]! - x[i]!));
    steps.sort((a, b) => a - b);
    const median = steps[Math.floor(steps.length / 2)] ?? 0;
    const jump = Math.abs((x[start] ?? 0) - (x[end] ?? 0));
    worst = Math.max(worst, median > 1e-7 ? jump / median : jump > 1e-4 ? Infinity : 0);
  }
  return worst;
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

/** How far the start and the end may each move from the coarse match to make the step across the join smallest. */
const STEP_SEARCH_SECONDS = 0.005;

/**
 * The loop's exact start and end. First the start within ±searchSamples of `start` whose surroundings best match the
 * end's, sample by sample: the squared difference of the MATCH_SECONDS before and after each point (beats are found
 * on a frame grid of about 23 ms). Then both points, each within STEP_SEARCH_SECONDS of that, where the two samples
 * either side of the join (all channels) are closest to those either side of the end: the step a player makes from
 * end - 1 to the start is then close to the song's own step there, with no click.
 */
export function alignJoin(
  audio: PcmAudio,
  mono: Float32Array,
  start: number,
  end: number,
  searchSamples: number,
): { start: number; end: number } {
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
  return smallestStep(audio.channels, coarse, end, Math.round(STEP_SEARCH_SECONDS * audio.sampleRate));
}

/** The start and end, each within ±reach of the given ones, whose neighbourhoods match best (see alignJoin). */
function smallestStep(channels: readonly Float32Array[], start: number, end: number, reach: number) {
  const length = channels[0]?.length ?? 0;
  let best = { start, end };
  let bestError = Infinity;
  for (let e = Math.max(2, end - reach); e <= Math.min(length - 2, end + reach); e++) {
    for (let c = Math.max(2, start - reach); c <= Math.min(e - 2, start + reach); c++) {
      let error = 0;
      for (const x of channels) for (let k = -2; k < 2; k++) error += (x[e + k]! - x[c + k]!) ** 2;
      if (error < bestError) {
        bestError = error;
        best = { start: c, end: e };
      }
    }
  }
  return best;
}

import FFT from "fft.js";
import BeatTracking from "music-tempo/dist/node/BeatTracking.js";
import LibraryFft from "music-tempo/dist/node/FFT.js";
import OnsetDetection from "music-tempo/dist/node/OnsetDetection.js";
import TempoInduction from "music-tempo/dist/node/TempoInduction.js";

export interface MusicTempoOptions {
  /** FFT window, samples (a power of 2). */
  readonly bufferSize: number;
  /** Spacing of the onset frames, samples. */
  readonly hopSize: number;
  /** hopSize in seconds. */
  readonly timeStep: number;
}

export interface MusicTempoBeats {
  /** Beat times, seconds from the first sample. */
  readonly beats: number[];
  /** Inter-beat interval of the best agent, seconds. */
  readonly beatInterval: number;
}

/**
 * music-tempo's beat tracking (Beatroot: onset peaks, tempo induction, competing agents), as its MusicTempo class
 * runs it, with the onset detection done on typed arrays and a real FFT: the library's own spectral flux spends
 * most of its time copying the song into plain arrays and in a complex FFT written for clarity. The same flux
 * (the library's Hamming window and padding, magnitude spectra, rectified differences) feeds the library's own
 * peak picking, tempo induction and agents. Undefined when no agent finds a tempo (the library throws strings
 * for that and for a signal without onset peaks).
 */
export function trackMusicTempo(samples: Float32Array, options: MusicTempoOptions): MusicTempoBeats | undefined {
  try {
    return track(samples, options);
  } catch (reason) {
    if (typeof reason === "string") return undefined;
    throw reason;
  }
}

function track(samples: Float32Array, options: MusicTempoOptions): MusicTempoBeats | undefined {
  const params = { bufferSize: options.bufferSize, hopSize: options.hopSize, timeStep: options.timeStep };
  const flux = spectralFlux(samples, options.bufferSize, options.hopSize);
  OnsetDetection.normalize(flux);
  const peaks: number[] = OnsetDetection.findPeaks(flux, params);
  const events = peaks.map((p) => p * options.timeStep);
  const induced = TempoInduction.mergeClusters(TempoInduction.processRhythmicEvents(events, params), params);
  const scores = TempoInduction.calculateScore(induced, params);
  const tempoList = TempoInduction.createTempoList(
    {
      clIntervals: induced.clIntervals,
      clSizes: induced.clSizes,
      clScores: scores.clScores,
      clScoresIdxs: scores.clScoresIdxs,
    },
    params,
  );
  let minFlux = Infinity;
  for (const value of flux) minFlux = Math.min(minFlux, value);
  const eventScores = peaks.map((p) => flux[p]! - minFlux);
  const agents: MusicTempoAgent[] = BeatTracking.trackBeat(events, eventScores, tempoList, params);
  let best: MusicTempoAgent | undefined;
  for (const agent of agents) if (!best || agent.score > best.score) best = agent;
  if (!best || !(best.score > -1)) return undefined;
  best.fillBeats();
  return { beats: best.events.slice(), beatInterval: best.beatInterval };
}

interface MusicTempoAgent {
  readonly score: number;
  readonly beatInterval: number;
  readonly events: number[];
  fillBeats(): void;
}

/** The library's OnsetDetection.calculateSF, frame for frame. */
function spectralFlux(samples: Float32Array, bufferSize: number, hopSize: number): number[] {
  const window: number[] = LibraryFft.getHammingWindow(bufferSize);
  const lead = bufferSize - hopSize;
  const padded = new Float64Array(lead + samples.length + bufferSize);
  padded.set(samples, lead);
  const fft = new FFT(bufferSize);
  const frame = new Float64Array(bufferSize);
  const spectrum = fft.createComplexArray() as number[];
  const bins = bufferSize / 2 + 1;
  let previous = new Float64Array(bins);
  let current = new Float64Array(bins);
  const flux: number[] = [];
  for (let start = 0; start < samples.length; start += hopSize) {
    for (let k = 0; k < bufferSize; k++) frame[k] = window[k]! * padded[start + k]!;
    fft.realTransform(spectrum, frame);
    let sum = 0;
    for (let j = 0; j < bins; j++) {
      const magnitude = Math.sqrt(spectrum[2 * j]! * spectrum[2 * j]! + spectrum[2 * j + 1]! * spectrum[2 * j + 1]!);
      current[j] = magnitude;
      const rise = magnitude - previous[j]!;
      sum += Math.max(rise, 0);
    }
    flux.push(sum);
    [previous, current] = [current, previous];
  }
  return flux;
}

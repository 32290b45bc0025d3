/**
 * Beat tracking when the library tracker fails: tempo from the autocorrelation of the onset envelope,
 * then beats placed by dynamic programming (Ellis 2007, "Beat tracking by dynamic programming").
 * All positions are in onset-envelope frames.
 */

export interface TempoEstimate {
  /** Beat period, frames. */
  readonly periodFrames: number;
  /** Normalised autocorrelation at that period, 0..1: how clearly the song has a beat. */
  readonly clarity: number;
}

/** Onset envelope with its slow trend removed and negative parts dropped. */
export function detrendedEnvelope(flux: Float32Array, framesPerSecond: number): Float32Array {
  const width = Math.max(3, Math.round(framesPerSecond));
  const out = new Float32Array(flux.length);
  let sum = 0;
  const half = Math.floor(width / 2);
  // running mean over a centred window
  const prefix = new Float64Array(flux.length + 1);
  for (let i = 0; i < flux.length; i++) prefix[i + 1] = prefix[i]! + flux[i]!;
  for (let i = 0; i < flux.length; i++) {
    const from = Math.max(0, i - half);
    const to = Math.min(flux.length, i + half + 1);
    sum = (prefix[to]! - prefix[from]!) / (to - from);
    out[i] = Math.max(0, flux[i]! - sum);
  }
  return out;
}

/**
 * Strongest periodicity between minSeconds and maxSeconds, weighted towards 120 BPM (a log-Gaussian
 * prior one octave wide) so that the tracker prefers the felt beat over its half or double.
 */
export function estimateTempo(
  envelope: Float32Array,
  framesPerSecond: number,
  minSeconds = 0.3,
  maxSeconds = 1.0,
): TempoEstimate {
  const n = envelope.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += envelope[i]!;
  mean /= Math.max(1, n);
  const centred = envelope.map((v) => v - mean);
  let energy = 0;
  for (let i = 0; i < n; i++) energy += centred[i]! * centred[i]!;
  const minLag = Math.max(1, Math.floor(minSeconds * framesPerSecond));
  const maxLag = Math.min(n - 1, Math.ceil(maxSeconds * framesPerSecond));
  let bestLag = Math.round(0.5 * framesPerSecond);
  let bestScore = -Infinity;
  let bestCorrelation = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += centred[i]! * centred[i - lag]!;
    const correlation = energy > 0 ? sum / energy : 0;
    const octaves = Math.log2(lag / framesPerSecond / 0.5);
    const score = correlation * Math.exp(-0.5 * (octaves / 1) ** 2);
    if (score > bestScore) {
      bestScore = score;
      bestLag = lag;
      bestCorrelation = correlation;
    }
  }
  return { periodFrames: refinePeak(centred, bestLag), clarity: Math.max(0, bestCorrelation) };
}

/** Parabolic interpolation of the autocorrelation peak for a sub-frame period. */
function refinePeak(centred: Float32Array, lag: number): number {
  const at = (l: number) => {
    let sum = 0;
    for (let i = l; i < centred.length; i++) sum += centred[i]! * centred[i - l]!;
    return sum;
  };
  const a = at(lag - 1);
  const b = at(lag);
  const c = at(lag + 1);
  const denominator = a - 2 * b + c;
  const shift = denominator < 0 ? (0.5 * (a - c)) / denominator : 0;
  return lag + Math.max(-0.5, Math.min(0.5, shift));
}

/** Beat frames that best fit the envelope while keeping close to `periodFrames` apart. */
export function trackBeatsByDynamicProgramming(
  envelope: Float32Array,
  periodFrames: number,
  tightness = 100,
): number[] {
  const n = envelope.length;
  if (n === 0) return [];
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, envelope[i]!);
  const onset = envelope.map((v) => (scale > 0 ? v / scale : 0));
  const score = new Float64Array(n);
  const backlink = new Int32Array(n).fill(-1);
  const minBack = Math.max(1, Math.round(periodFrames / 2));
  const maxBack = Math.round(periodFrames * 2);
  for (let t = 0; t < n; t++) {
    let best = 0;
    let bestFrom = -1;
    for (let back = minBack; back <= maxBack && t - back >= 0; back++) {
      const penalty = tightness * Math.log(back / periodFrames) ** 2;
      const candidate = score[t - back]! - penalty;
      if (candidate > best || bestFrom < 0) {
        best = candidate;
        bestFrom = t - back;
      }
    }
    score[t] = onset[t]! + Math.max(0, best);
    backlink[t] = best > 0 ? bestFrom : -1;
  }
  // Best end within the last period.
  let end = n - 1;
  for (let t = Math.max(0, n - Math.round(periodFrames)); t < n; t++) if (score[t]! > score[end]!) end = t;
  const beats: number[] = [];
  for (let t = end; t >= 0; t = backlink[t]!) {
    beats.push(t);
    if (backlink[t]! < 0) break;
  }
  return beats.reverse();
}

import { magnitudeSpectrum } from "./fft.ts";
import { rms } from "../audio/levels.ts";

/**
 * Watches a chain of raw-audio predictions (the neural engine) and says when to stop it: a prediction that is not a
 * number, that has turned to noise (spectral flatness far above the song's), or whose level keeps rising (a model
 * that feeds on its own output and diverges). Everything is measured at the model's rate, on mono.
 */

/** How one stretch of audio measures: mean spectral flatness (0 = pure tones, about 0.56 = white noise) and RMS level. */
export interface ChunkHealth {
  readonly flatness: number;
  readonly levelDb: number;
  /** False when the stretch holds NaN or infinite samples. */
  readonly finite: boolean;
}

/**
 * A prediction reads as noise when its flatness is at least this, and this many times the song's own. Measured at
 * 8 kHz (any 10 s): the 58 Wesnoth tracks at most 0.08, six songs from outside the corpus at most 0.20 (frozen-mainzik-1p,
 * whose last 20 s measure 0.14); white noise 0.56, as does the demo model's prediction that rises into noise.
 */
export const NOISE_FLATNESS = 0.3;
export const NOISE_FLATNESS_RATIO = 3;
/** The chain diverges when its level rises at least RISE_DB_PER_CHUNK on each of RISING_CHUNKS chunks in a row... */
export const RISE_DB_PER_CHUNK = 0.5;
export const RISING_CHUNKS = 3;
/** ...or when one prediction is this much louder than the song's last context window. */
export const ABOVE_SONG_DB = 6;

const FRAME = 1024;
const LOWEST_HZ = 40;

/** Flatness and level of `samples` (mono at `sampleRate`). */
export function chunkHealth(samples: Float32Array, sampleRate: number): ChunkHealth {
  let finite = true;
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i]!)) {
      finite = false;
      break;
    }
  }
  if (!finite) return { flatness: Number.NaN, levelDb: Number.NaN, finite };
  return { flatness: spectralFlatness(samples, sampleRate), levelDb: 20 * Math.log10(rms(samples) + 1e-12), finite };
}

/**
 * Mean over Hann-windowed frames of (geometric mean / arithmetic mean) of the power spectrum from LOWEST_HZ up;
 * frames of digital silence are left out (0 when every frame is silent).
 */
export function spectralFlatness(samples: Float32Array, sampleRate: number): number {
  const magnitudes = new Float32Array(FRAME / 2 + 1);
  const window = Float32Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME));
  const lowest = Math.max(1, Math.ceil((LOWEST_HZ * FRAME) / sampleRate));
  let sum = 0;
  let frames = 0;
  for (let start = 0; start + FRAME <= samples.length; start += FRAME) {
    magnitudeSpectrum(
      FRAME,
      (frame) => {
        for (let i = 0; i < FRAME; i++) frame[i] = samples[start + i]! * window[i]!;
      },
      magnitudes,
    );
    let logSum = 0;
    let powerSum = 0;
    for (let k = lowest; k < FRAME / 2; k++) {
      const power = magnitudes[k]! * magnitudes[k]! + 1e-20;
      logSum += Math.log(power);
      powerSum += power;
    }
    const bins = FRAME / 2 - lowest;
    if (powerSum <= 1e-20 * bins * 2) continue;
    sum += Math.exp(logSum / bins) / (powerSum / bins);
    frames++;
  }
  return frames > 0 ? sum / frames : 0;
}

/**
 * Why the chain must stop after the newest of `chunks` (the predictions so far, in order), or undefined while it is
 * sane. `song` is the health of the song's last context window, the reference for flatness and level.
 */
export function chainFault(song: ChunkHealth, chunks: readonly ChunkHealth[]): string | undefined {
  const latest = chunks.at(-1);
  if (!latest) return undefined;
  if (!latest.finite) return "its prediction holds samples that are not numbers";
  const noiseFloor = Math.max(NOISE_FLATNESS, NOISE_FLATNESS_RATIO * song.flatness);
  if (latest.flatness >= noiseFloor) {
    return `its prediction turned to noise (spectral flatness ${latest.flatness.toFixed(2)}; the song's ${song.flatness.toFixed(2)}, the limit ${noiseFloor.toFixed(2)})`;
  }
  if (latest.levelDb > song.levelDb + ABOVE_SONG_DB) {
    return `its prediction is ${(latest.levelDb - song.levelDb).toFixed(1)} dB louder than the song (the limit ${ABOVE_SONG_DB} dB)`;
  }
  const recent = chunks.slice(-(RISING_CHUNKS + 1));
  if (
    recent.length === RISING_CHUNKS + 1 &&
    recent.every((c, i) => i === 0 || c.levelDb - recent[i - 1]!.levelDb >= RISE_DB_PER_CHUNK)
  ) {
    const rise = recent.at(-1)!.levelDb - recent[0]!.levelDb;
    return `its level kept rising (${rise.toFixed(1)} dB over the last ${RISING_CHUNKS} predictions: it diverges)`;
  }
  return undefined;
}

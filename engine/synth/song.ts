import type { PcmAudio } from "../audio/pcm.ts";
import { mulberry32 } from "../random.ts";

/**
 * A small synthetic "song" for demos and tests, so nothing needs downloading: drums on a steady tempo, a bass line
 * and chord pads following a four-chord progression, and a simple melody, panned across the stereo field.
 * Deterministic for a given seed.
 */
export interface SongOptions {
  readonly seconds: number;
  readonly sampleRate: number;
  readonly channels?: 1 | 2;
  readonly bpm?: number;
  /** Semitones above A3 (220 Hz) of the tonic. */
  readonly key?: number;
  readonly seed?: number;
}

const PROGRESSION = [0, 7, 9, 5]; // I - V - vi - IV, in semitones above the tonic
const MAJOR_TRIAD = [0, 4, 7];
const MINOR_TRIAD = [0, 3, 7];
/** The major scale's degrees, in semitones above the tonic, up to its octave. */
export const SCALE = [0, 2, 4, 5, 7, 9, 11, 12];

export function synthesizeSong(options: SongOptions): PcmAudio {
  const { seconds, sampleRate } = options;
  const channelCount = options.channels ?? 2;
  const bpm = options.bpm ?? 120;
  const tonic = 220 * 2 ** ((options.key ?? 0) / 12);
  const random = mulberry32(options.seed ?? 1);
  const frames = Math.round(seconds * sampleRate);
  const beat = 60 / bpm;
  const { add, mixed } = stereoMix(frames, sampleRate);
  const melody = Array.from({ length: 16 }, () => SCALE[Math.floor(random() * SCALE.length)] ?? 0);

  for (let b = 0; b * beat < seconds; b++) {
    const start = Math.round(b * beat * sampleRate);
    const bar = Math.floor(b / 4);
    const root = PROGRESSION[bar % PROGRESSION.length] ?? 0;
    const triad = root === 9 ? MINOR_TRIAD : MAJOR_TRIAD;
    add(start, kick(sampleRate), 0, b % 2 === 0 ? 0.5 : 0.35);
    add(Math.round((b + 0.5) * beat * sampleRate), hat(sampleRate, random), 0.4, 0.12);
    if (b % 4 === 1 || b % 4 === 3) add(start, snare(sampleRate, random), -0.1, 0.22);
    add(start, tone(tonic * 2 ** ((root - 12) / 12), beat * 0.9, sampleRate, "saw"), -0.2, 0.12);
    if (b % 4 === 0) {
      for (const interval of triad) {
        add(start, tone(tonic * 2 ** ((root + interval) / 12), beat * 4, sampleRate, "sine"), 0.3, 0.06);
      }
    }
    const note = melody[b % melody.length] ?? 0;
    add(start, tone(tonic * 2 ** ((note + 12) / 12), beat * 0.7, sampleRate, "triangle"), -0.5, 0.07);
  }
  return mixed(channelCount);
}

/**
 * A stereo mix of `frames` frames: `add` places a sound at a frame with an equal-power pan (-1 left, 1 right) and a
 * gain; `mixed` gives the mix with its peak at 0.8, as stereo or its mono downmix.
 */
export function stereoMix(frames: number, sampleRate: number) {
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  return {
    add(start: number, samples: Float32Array, pan: number, gain: number): void {
      const l = gain * Math.cos(((pan + 1) * Math.PI) / 4);
      const r = gain * Math.sin(((pan + 1) * Math.PI) / 4);
      for (let i = 0; i < samples.length && start + i < frames; i++) {
        const s = samples[i] ?? 0;
        left[start + i]! += s * l;
        right[start + i]! += s * r;
      }
    },
    mixed(channels: 1 | 2): PcmAudio {
      const peak = Math.max(1e-9, ...[left, right].map((ch) => ch.reduce((m, s) => Math.max(m, Math.abs(s)), 0)));
      const scale = 0.8 / peak;
      for (let i = 0; i < frames; i++) {
        left[i]! *= scale;
        right[i]! *= scale;
      }
      if (channels === 1) return { sampleRate, channels: [left.map((s, i) => (s + (right[i] ?? 0)) / 2)] };
      return { sampleRate, channels: [left, right] };
    },
  };
}

export function tone(
  frequency: number,
  seconds: number,
  sampleRate: number,
  shape: "sine" | "saw" | "triangle",
): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  const attack = Math.round(0.01 * sampleRate);
  for (let i = 0; i < n; i++) {
    const phase = (frequency * i) / sampleRate;
    const p = phase - Math.floor(phase);
    const wave = shape === "sine" ? Math.sin(2 * Math.PI * p) : shape === "saw" ? 2 * p - 1 : 4 * Math.abs(p - 0.5) - 1;
    const envelope = Math.min(1, i / attack) * Math.exp((-3 * i) / n);
    out[i] = wave * envelope;
  }
  return out;
}

export function kick(sampleRate: number): Float32Array {
  const n = Math.round(0.25 * sampleRate);
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    phase += (2 * Math.PI * (50 + 100 * Math.exp(-t * 30))) / sampleRate;
    out[i] = Math.sin(phase) * Math.exp(-t * 12);
  }
  return out;
}

export function snare(sampleRate: number, random: () => number): Float32Array {
  const n = Math.round(0.18 * sampleRate);
  return Float32Array.from({ length: n }, (_, i) => (random() * 2 - 1) * Math.exp((-i / sampleRate) * 25));
}

export function hat(sampleRate: number, random: () => number): Float32Array {
  const n = Math.round(0.05 * sampleRate);
  let previous = 0;
  return Float32Array.from({ length: n }, (_, i) => {
    const noise = random() * 2 - 1;
    const high = noise - previous; // crude high-pass: hats are bright
    previous = noise;
    return high * Math.exp((-i / sampleRate) * 80);
  });
}

import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { mulberry32 } from "../../../engine/random.ts";

/** Semitone offsets of the triads the generator picks from (I ii iii IV V vi and a bVII). */
const CHORDS = [
  [0, 4, 7],
  [2, 5, 9],
  [4, 7, 11],
  [5, 9, 12],
  [7, 11, 14],
  [9, 12, 16],
  [10, 14, 17],
];
const SCALE = [0, 2, 4, 5, 7, 9, 11, 12];

export interface ClickSongOptions {
  readonly seconds: number;
  readonly sampleRate?: number;
  readonly bpm?: number;
  readonly channels?: 1 | 2;
  readonly seed?: number;
  /** Chord index per bar; random (never the same as either of the two before) when absent. */
  readonly chordOfBar?: (bar: number) => number;
  /** Fade the last seconds to silence and add this much silence (a song with an ending). */
  readonly endingSeconds?: number;
}

/**
 * A click track with a chord pad per bar and a random melody note per beat: steady, known beats (a loud
 * 20 ms 1.5 kHz click exactly on each beat) and no section repeating itself back to back.
 */
export function clickSong(options: ClickSongOptions): PcmAudio {
  const sampleRate = options.sampleRate ?? 22050;
  const bpm = options.bpm ?? 120;
  const random = mulberry32(options.seed ?? 7);
  const frames = Math.round(options.seconds * sampleRate);
  const beat = (60 / bpm) * sampleRate;
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const history: number[] = [];
  const tonic = 196;
  for (let b = 0; b * beat < frames; b++) {
    const start = Math.round(b * beat);
    const bar = Math.floor(b / 4);
    if (b % 4 === 0) {
      let chord = options.chordOfBar?.(bar) ?? Math.floor(random() * CHORDS.length);
      while (!options.chordOfBar && history.slice(-2).includes(chord)) chord = Math.floor(random() * CHORDS.length);
      history.push(chord);
    }
    const chord = CHORDS[history[history.length - 1]!]!;
    const note = SCALE[Math.floor(random() * SCALE.length)]!;
    const length = Math.round(beat);
    for (let i = 0; i < length && start + i < frames; i++) {
      const t = i / sampleRate;
      let pad = 0;
      for (const interval of chord)
        pad += Math.sin(2 * Math.PI * tonic * 2 ** (interval / 12) * ((start + i) / sampleRate));
      const melody = Math.sin(2 * Math.PI * tonic * 2 * 2 ** (note / 12) * t) * Math.exp(-t * 4);
      const click = i < 0.02 * sampleRate ? Math.sin(2 * Math.PI * 1500 * t) * (1 - i / (0.02 * sampleRate)) : 0;
      left[start + i] = 0.05 * pad + 0.12 * melody + 0.6 * click;
      right[start + i] = 0.06 * pad + 0.08 * melody + 0.6 * click;
    }
  }
  if (options.endingSeconds) {
    const silence = Math.round(options.endingSeconds * sampleRate);
    const fade = Math.round(2 * sampleRate);
    for (const channel of [left, right]) {
      for (let i = 0; i < frames; i++) {
        const fromEnd = frames - silence - i;
        if (fromEnd <= 0) channel[i] = 0;
        else if (fromEnd < fade) channel[i]! *= fromEnd / fade;
      }
    }
  }
  return { sampleRate, channels: options.channels === 1 ? [left] : [left, right] };
}

/** A beatless drone: two slowly beating sines with a slow swell, no onsets. */
export function drone(seconds: number, sampleRate = 22050): PcmAudio {
  const n = Math.round(seconds * sampleRate);
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    samples[i] =
      (0.2 * Math.sin(2 * Math.PI * 110 * t) + 0.1 * Math.sin(2 * Math.PI * 165.4 * t)) *
      (0.8 + 0.2 * Math.sin(2 * Math.PI * 0.05 * t));
  }
  return { sampleRate, channels: [samples] };
}

/** Times (seconds) where the loud clicks start: the envelope rises above 0.35 after 0.2 s below it. */
export function clickOnsets(samples: Float32Array, sampleRate: number): number[] {
  const onsets: number[] = [];
  let quietSince = 0;
  for (let i = 0; i < samples.length; i++) {
    const loud = Math.abs(samples[i]!) > 0.35;
    if (loud && i - quietSince > 0.2 * sampleRate) onsets.push(i / sampleRate);
    if (loud) quietSince = i;
  }
  return onsets;
}

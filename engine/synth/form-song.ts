import type { PcmAudio } from "../audio/pcm.ts";
import { mulberry32 } from "../random.ts";
import { hat, kick, SCALE, snare, stereoMix, tone } from "./song.ts";

/**
 * A synthetic song with a form, for the demo: an intro rising out of silence, two verses and two choruses (the chorus
 * a fourth higher, each phrase with its own melody), and an ending of its own (a held chord dying away into silence).
 * synthesizeSong's clip is one 4-bar pattern over and over, with no ending: extended, it can only repeat itself.
 */
export interface FormSongOptions {
  readonly sampleRate: number;
  readonly channels?: 1 | 2;
  readonly bpm?: number;
  /** Semitones above A3 (220 Hz) of the tonic. */
  readonly key?: number;
  readonly seed?: number;
}

/** One 4-bar phrase: its key (semitones above the song's), its chords (roots, a bar each) and its melody (none in the intro). */
interface Phrase {
  readonly key: number;
  readonly chords: readonly number[];
  readonly melody?: number;
}

// Every phrase has chords and a melody of its own, as the halves of a verse or a chorus differ in most songs: the
// quality report compares the beats' timbre and chroma, and phrases alike in both read as one phrase played again.
const VERSE: readonly Phrase[] = [
  { key: 0, chords: [0, 7, 9, 5], melody: 0 },
  { key: 0, chords: [9, 5, 0, 7], melody: 1 },
];
const CHORUS: readonly Phrase[] = [
  { key: 5, chords: [5, 7, 4, 9], melody: 2 },
  { key: 5, chords: [2, 7, 0, 0], melody: 3 },
];
const SECOND_VERSE: readonly Phrase[] = [
  { key: 0, chords: [0, 4, 5, 7], melody: 4 },
  { key: 0, chords: [9, 7, 5, 7], melody: 5 },
];
// The last chorus ends on a phrase of its own, as choruses often change on their last time round.
const LAST_CHORUS: readonly Phrase[] = [CHORUS[0]!, { key: 5, chords: [2, 5, 7, 7], melody: 6 }];
const FORM: readonly Phrase[] = [
  { key: 0, chords: [0, 0, 5, 7] },
  ...VERSE,
  ...CHORUS,
  ...SECOND_VERSE,
  ...LAST_CHORUS,
];
const BEATS_PER_PHRASE = 16;
/** The held closing chord, beats, and the silence after it, seconds. */
const ENDING_BEATS = 8;
const TRAILING_SILENCE_SECONDS = 1.5;

/** The song's length in seconds at `bpm`. */
export const formSongSeconds = (bpm = 120): number =>
  ((FORM.length * BEATS_PER_PHRASE + ENDING_BEATS) * 60) / bpm + TRAILING_SILENCE_SECONDS;

export function synthesizeFormSong(options: FormSongOptions): PcmAudio {
  const { sampleRate } = options;
  const bpm = options.bpm ?? 120;
  const random = mulberry32(options.seed ?? 1);
  const beat = 60 / bpm;
  const frames = Math.round(formSongSeconds(bpm) * sampleRate);
  const mix = stereoMix(frames, sampleRate);
  const add = (at: number, samples: Float32Array, pan: number, gain: number) =>
    mix.add(Math.round(at * sampleRate), samples, pan, gain);
  const pitch = (semitones: number) => 220 * 2 ** (((options.key ?? 0) + semitones) / 12);
  const melodies = Array.from({ length: 7 }, () =>
    Array.from({ length: BEATS_PER_PHRASE }, () => SCALE[Math.floor(random() * SCALE.length)]!),
  );
  for (const [p, phrase] of FORM.entries()) {
    for (let b = 0; b < BEATS_PER_PHRASE; b++) {
      const at = (p * BEATS_PER_PHRASE + b) * beat;
      // The intro rises out of silence over its four bars.
      const level = phrase.melody === undefined ? (b + 1) / BEATS_PER_PHRASE : 1;
      const degree = phrase.chords[Math.floor(b / 4)]!;
      const root = phrase.key + degree;
      add(at, kick(sampleRate), 0, (b % 2 === 0 ? 0.5 : 0.35) * level);
      add(at + beat / 2, hat(sampleRate, random), 0.4, 0.12 * level);
      if (b % 2 === 1) add(at, snare(sampleRate, random), -0.1, 0.22 * level);
      add(at, tone(pitch(root - 12), beat * 0.9, sampleRate, "saw"), -0.2, 0.12 * level);
      if (b % 4 === 0) {
        const triad = degree === 2 || degree === 4 || degree === 9 ? [0, 3, 7] : [0, 4, 7];
        for (const interval of triad) add(at, tone(pitch(root + interval), beat * 4, sampleRate, "sine"), 0.3, 0.06);
      }
      if (phrase.melody !== undefined) {
        const note = melodies[phrase.melody]![b]!;
        add(at, tone(pitch(phrase.key + note + 12), beat * 0.7, sampleRate, "triangle"), -0.5, 0.1);
      }
    }
  }
  // The ending: one kick and the tonic chord with its bass, held and dying away, then silence.
  const end = FORM.length * BEATS_PER_PHRASE * beat;
  add(end, kick(sampleRate), 0, 0.5);
  add(end, tone(pitch(-12), beat * ENDING_BEATS, sampleRate, "saw"), -0.2, 0.12);
  for (const interval of [0, 4, 7, 12]) {
    add(end, tone(pitch(interval), beat * ENDING_BEATS, sampleRate, "sine"), 0.3, 0.08);
  }
  return mix.mixed(options.channels ?? 2);
}

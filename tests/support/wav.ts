import wavefile from "wavefile";
import type { PcmAudio } from "../../engine/audio/pcm.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

/** 16-bit PCM WAV bytes of `audio`. */
export function encodeTestWav(audio: PcmAudio): Uint8Array {
  const wav = new wavefile.WaveFile();
  const toInt16 = (channel: Float32Array) =>
    Int16Array.from(channel, (x) => Math.round(Math.max(-1, Math.min(1, x)) * 32767));
  wav.fromScratch(audio.channels.length, audio.sampleRate, "16", audio.channels.map(toInt16));
  return wav.toBuffer();
}

const songCache = new Map<string, Uint8Array>();

/** A synthetic song (chords, bass, drums on a steady beat) as WAV bytes; made once per test file and shape. */
export function songWav(seconds: number, sampleRate = 44_100, channels: 1 | 2 = 2): Uint8Array {
  const key = `${seconds}/${sampleRate}/${channels}`;
  let bytes = songCache.get(key);
  if (bytes === undefined) {
    bytes = encodeTestWav(synthesizeSong({ seconds, sampleRate, channels, seed: 7 }));
    songCache.set(key, bytes);
  }
  return bytes;
}

/** Duration, rate and channel count of WAV bytes, decoded with wavefile. */
export function decodeTestWav(bytes: Uint8Array): { seconds: number; sampleRate: number; channels: number } {
  const wav = new wavefile.WaveFile(bytes);
  const fmt = wav.fmt as { sampleRate: number; numChannels: number };
  const samples = wav.getSamples(false, Float32Array) as unknown as Float32Array[] | Float32Array;
  const frames = Array.isArray(samples) ? (samples[0]?.length ?? 0) : samples.length;
  return { seconds: frames / fmt.sampleRate, sampleRate: fmt.sampleRate, channels: fmt.numChannels };
}

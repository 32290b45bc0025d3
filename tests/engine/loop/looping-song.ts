import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

/**
 * A song that loops: a 6 s intro, then one 8 s stretch (4 bars at 120 bpm, plus `periodExtraSamples`) played six
 * times over, sample for sample. Every loop of whole repeats after the intro is perfect.
 */
export function loopingSong(
  sampleRate: number,
  options: { readonly periodExtraSamples?: number; readonly channels?: 1 | 2 } = {},
): { audio: PcmAudio; introSamples: number; periodSamples: number } {
  const channels = options.channels ?? 1;
  const intro = synthesizeSong({ seconds: 6, sampleRate, channels, seed: 11, key: 3 });
  const body = synthesizeSong({ seconds: 9, sampleRate, channels, seed: 12 });
  const introSamples = intro.channels[0]!.length;
  const periodSamples = 8 * sampleRate + (options.periodExtraSamples ?? 0);
  const repeats = 6;
  const out = intro.channels.map((channel, c) => {
    const samples = new Float32Array(introSamples + repeats * periodSamples);
    samples.set(channel);
    const period = body.channels[c]!.subarray(0, periodSamples);
    for (let r = 0; r < repeats; r++) samples.set(period, introSamples + r * periodSamples);
    return samples;
  });
  return { audio: { sampleRate, channels: out }, introSamples, periodSamples };
}

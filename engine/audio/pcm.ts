/**
 * Decoded audio as the whole engine passes it around: one Float32Array per channel,
 * samples in [-1, 1], all channels the same length. The sample rate always travels
 * with the samples; nothing in the engine assumes one.
 */
export interface PcmAudio {
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
}

export function durationSeconds(audio: PcmAudio): number {
  const first = audio.channels[0];
  return first === undefined ? 0 : first.length / audio.sampleRate;
}

export function frameCount(audio: PcmAudio): number {
  return audio.channels[0]?.length ?? 0;
}

/**
 * `compute`, remembered per audio object: the first call for an audio computes, later calls for the same object
 * return that result (the object is not kept alive by it). For analyses several readers share, in one thread; the
 * samples must not change afterwards.
 */
export function perAudio<T>(compute: (audio: PcmAudio) => T): (audio: PcmAudio) => T {
  const results = new WeakMap<PcmAudio, T>();
  return (audio) => {
    if (results.has(audio)) return results.get(audio) as T;
    const result = compute(audio);
    results.set(audio, result);
    return result;
  };
}

import type { PcmAudio } from "../../../engine/audio/pcm.ts";

/** Parts one after another, hard cuts; the first part's rate. */
export function concat(...parts: readonly PcmAudio[]): PcmAudio {
  const first = parts[0]!;
  return {
    sampleRate: first.sampleRate,
    channels: first.channels.map((_, c) => {
      const out = new Float32Array(parts.reduce((n, p) => n + p.channels[c]!.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part.channels[c]!, at);
        at += part.channels[c]!.length;
      }
      return out;
    }),
  };
}

import type { PcmAudio } from "./pcm.ts";

/**
 * The closing fade-out an engine wrote: where it starts (seconds in the result) and its curve; it runs to the end.
 * "cosine": half a raised cosine (the planner's); "sine": a quarter sine (the neural chain's).
 */
export interface ClosingFade {
  readonly startSeconds: number;
  readonly curve: "cosine" | "sine";
}

/** The gain at sample `i` (0 to n - 1) of a fade-out of `n` samples. */
export function fadeOutGain(curve: ClosingFade["curve"], i: number, n: number): number {
  if (curve === "cosine") return 0.5 * (1 + Math.cos((Math.PI * (i + 1)) / n));
  const remaining = (n - i - 1) / Math.max(1, n - 1);
  return Math.sin((remaining * Math.PI) / 2);
}

/** Below this gain a faded sample is left as it is: dividing by it would only lift rounding noise. */
const LEAST_GAIN = 1e-4;

/**
 * A copy of `window` (result samples from `from` on) with a closing fade's gain divided out: what the result would
 * hold there without the fade (`start` and `end`: the fade's span in the result, samples).
 */
export function withoutFade(
  window: PcmAudio,
  from: number,
  fade: { readonly start: number; readonly end: number; readonly curve: ClosingFade["curve"] },
): PcmAudio {
  const n = fade.end - fade.start;
  const channels = window.channels.map((channel) => {
    const out = channel.slice();
    for (let k = Math.max(0, fade.start - from); k < out.length; k++) {
      const gain = fadeOutGain(fade.curve, from + k - fade.start, n);
      if (gain >= LEAST_GAIN) out[k] = out[k]! / gain;
    }
    return out;
  });
  return { sampleRate: window.sampleRate, channels };
}

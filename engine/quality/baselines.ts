import { frameCount, type PcmAudio } from "../audio/pcm.ts";

export interface BaselineResult {
  readonly audio: PcmAudio;
  /** Join points in the result, seconds. */
  readonly seams: number[];
}

const LOOP_SECONDS = 10;

/**
 * The naive extender: the original, then its last 10 s over and over, each repeat faded in over
 * `crossfadeSeconds` (equal power) against the previous repeat's end mirrored in time; cut at the target.
 */
export function loopBaseline(input: PcmAudio, targetSeconds: number, crossfadeSeconds: number): BaselineResult {
  const sampleRate = input.sampleRate;
  const length = frameCount(input);
  const target = Math.max(length, Math.round(targetSeconds * sampleRate));
  const loopStart = Math.max(0, length - Math.round(LOOP_SECONDS * sampleRate));
  const loopLength = length - loopStart;
  const fade = Math.min(loopLength, Math.max(1, Math.round(crossfadeSeconds * sampleRate)));
  const seams: number[] = [];
  const channels = input.channels.map((source) => {
    const out = new Float32Array(target);
    out.set(source.subarray(0, length));
    for (let at = length; at < target; at += loopLength) {
      const count = Math.min(loopLength, target - at);
      out.set(source.subarray(loopStart, loopStart + count), at);
      for (let k = 0; k < Math.min(fade, count); k++) {
        const t = (k + 0.5) / fade;
        out[at + k] =
          Math.cos((Math.PI / 2) * t) * source[length - 1 - k]! + Math.sin((Math.PI / 2) * t) * source[loopStart + k]!;
      }
    }
    return out;
  });
  for (let at = length; at < target; at += loopLength) seams.push(at / sampleRate);
  return { audio: { sampleRate, channels }, seams };
}

/** The original followed by digital silence up to the target. */
export function silenceBaseline(input: PcmAudio, targetSeconds: number): BaselineResult {
  const sampleRate = input.sampleRate;
  const length = frameCount(input);
  const target = Math.max(length, Math.round(targetSeconds * sampleRate));
  const channels = input.channels.map((source) => {
    const out = new Float32Array(target);
    out.set(source.subarray(0, length));
    return out;
  });
  return { audio: { sampleRate, channels }, seams: target > length ? [length / sampleRate] : [] };
}

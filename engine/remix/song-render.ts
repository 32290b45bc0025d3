import { SHORT_TERM_SECONDS } from "../audio/loudness.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import { downmix } from "../analysis/signal.ts";
import type { LoudnessProfile } from "../analysis/continuity.ts";
import { copiedLoudness, type CopiedPiece } from "./fader.ts";
import { rideLevelsOn } from "./level-ride.ts";
import {
  alignJoins,
  centredCrossfadeOp,
  fadeOutOp,
  peakOf,
  renderedFrom,
  type RenderedRemix,
  type RemixSegment,
} from "./render.ts";
import { copyOp, Timeline } from "./timeline.ts";
import type { RemixPlan } from "./plan.ts";
import type { JoinShifts } from "./join-search-threads.ts";

/** Where the output is cut inside sound (a trimmed ending), or padded after a last sample that is not silent. */
const SAFETY_FADE_SECONDS = 0.005;

/** The input's own short-term loudness step into sample `at` (3 s before minus 3 s after), LU; undefined unknown. */
function ownStepInto(at: number | undefined, sampleRate: number, loudness: LoudnessProfile | undefined) {
  if (at === undefined || !loudness || at < Math.round(SHORT_TERM_SECONDS * sampleRate)) return undefined;
  return loudness.before(at) - loudness.after(at);
}

/**
 * Writes a song-form plan: every range of the input in order, each non-contiguous join crossfaded (equal power,
 * centred on the join, at the smoothest nearby zero crossing), then the pad: silence after the input's last
 * sample, or its trailing silence cut. The output has exactly `targetSamples` samples, rendered window by window.
 */
export function renderSong(
  input: PcmAudio,
  plan: RemixPlan,
  options: { targetSamples: number; crossfadeSamples: number; loudness?: LoudnessProfile; joinShifts?: JoinShifts },
): RenderedRemix {
  const sampleRate = input.sampleRate;
  const target = options.targetSamples;
  const mono = options.joinShifts?.mono ?? downmix(input);
  const ranges = alignJoins(mono, plan.ranges, sampleRate, options.crossfadeSamples, false, options.joinShifts?.shifts);
  const half = Math.max(1, Math.round(options.crossfadeSamples / 2));
  const timeline = new Timeline(input.channels.length, target, sampleRate);
  const seams: number[] = [];
  const segments: RemixSegment[] = [];
  let position = 0;
  let lastStart = 0;
  const pieces: CopiedPiece[] = [];
  for (const [index, range] of ranges.entries()) {
    if (position >= target) break;
    const count = Math.min(range.end - range.start, target - position);
    timeline.add(copyOp(input.channels, position, range.start, count));
    const previous = ranges[index - 1];
    if (previous && previous.end !== range.start) {
      const op = centredCrossfadeOp(input, position, previous.end, range.start, half, 0, target);
      if (op) timeline.add(op);
      seams.push(position / sampleRate);
    }
    if (index > 0)
      segments.push({
        outputStart: position / sampleRate,
        sourceStart: range.start / sampleRate,
        seconds: count / sampleRate,
      });
    lastStart = position;
    pieces.push({ output: position, source: range.start, count });
    position += count;
  }
  const seamSamples = seams.map((s) => Math.round(s * sampleRate));
  // The intro, up to the first join, and the song's own ending (the last range) are heard at their own level.
  const levels = rideLevelsOn(timeline, {
    sampleRate,
    seams: seamSamples,
    protectedEnd: seamSamples[0] ?? target,
    transitionSamples: half,
    unityFrom: lastStart + (plan.ending.kind === "outro" ? (plan.ending.approachSamples ?? 0) : 0),
    ownStepIntoUnity: ownStepInto(ranges.at(-1)?.start, input.sampleRate, options.loudness),
    peak: () => peakOf(input),
    rawLoudness: options.loudness ? copiedLoudness(pieces, options.loudness.lufs) : undefined,
  });
  const safety = Math.round(SAFETY_FADE_SECONDS * sampleRate);
  const end = Math.min(position, target);
  const boundarySounds = end > 0 && timeline.read(end - 1, end).some((channel) => Math.abs(channel[0]!) > 1e-3);
  // Padded after, or cut at, a sample that is not silent: a 5 ms fade instead of a step.
  if (position !== target && boundarySounds) timeline.add(fadeOutOp(Math.max(0, end - safety), end));
  return renderedFrom(timeline, { seams, segments, levels });
}

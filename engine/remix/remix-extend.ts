import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { HarmonizerInputError } from "../errors.ts";
import type { Predictor } from "../model/port.ts";
import { mulberry32 } from "../random.ts";
import { downbeatPhase } from "../analysis/bars.ts";
import { analyseBeats } from "../analysis/beats.ts";
import { createLoudnessProfile, createPulseProfile } from "../analysis/continuity.ts";
import { createGuideSteering, type GuideSteering } from "./guide.ts";
import { createBeatVectoriser } from "../analysis/beat-vectors.ts";
import { buildJumpGraph } from "./jump-graph.ts";
import { planRemix } from "./plan.ts";
import { renderPlan, type RemixSegment } from "./render.ts";
import { downmix } from "../analysis/signal.ts";

/** Shortest crossfade at joins in songs without a clear beat, seconds. */
export const BEATLESS_CROSSFADE_SECONDS = 0.12;

export interface RemixOptions {
  /** Exact length of the result, seconds (the result has round(targetSeconds * sampleRate) samples). */
  readonly targetSeconds: number;
  /** Fade at the end when the song has no ending of its own to finish with, seconds. */
  readonly fadeOutSeconds: number;
  /** Equal-power crossfade at each join, seconds (10–30 ms suits beat joins). */
  readonly crossfadeSeconds: number;
  /** With a predictor, the model chooses the path at decision points every horizonSeconds. */
  readonly guide?: Predictor;
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  /** Same seed, same input, same options: same result. */
  readonly seed?: number;
}

export interface RemixResult {
  readonly audio: PcmAudio;
  /** Join points in the result, seconds. */
  readonly seams: number[];
  /** The stretches of the original appended after it. */
  readonly segments: RemixSegment[];
  readonly notes: string[];
}

/**
 * Extends a song by re-arranging its own beats: the result is the whole original, sample for sample, then
 * a walk over its beats, finishing with the song's own ending or, for songs that stop abruptly, a fade.
 * After a quiet ending the walk starts again from the song's beginning (da capo); otherwise it joins the
 * song's last beat. Jumps go between beats with similar context and the same place in the bar, keep the
 * short-term loudness (3 s either side) continuous, are nudged so that the pulse runs on, never replay
 * material heard in the last 20–30 s when avoidable, and are crossfaded where the join is smoothest.
 */
export async function remixExtend(input: PcmAudio, options: RemixOptions): Promise<RemixResult> {
  const length = frameCount(input);
  const sampleRate = input.sampleRate;
  const target = Math.round(options.targetSeconds * sampleRate);
  if (input.channels.length === 0 || length === 0) {
    throw new HarmonizerInputError("SILENT", "the input has no samples; at least 20 s of audio is needed");
  }
  if (!Number.isFinite(options.targetSeconds) || target < length) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `target ${options.targetSeconds} s is shorter than the input (${(length / sampleRate).toFixed(2)} s); it must be at least the input's length`,
    );
  }
  const totalSeconds = target / sampleRate;
  if (target === length) {
    return { audio: { sampleRate, channels: input.channels.map((c) => c.slice()) }, seams: [], segments: [], notes: ["the input already has the target length"] };
  }

  const analysis = analyseBeats(input);
  const beatless = analysis.method === "grid";
  const loudness = createLoudnessProfile(input);
  const graph = buildJumpGraph(analysis, { loudness, downbeatPhase: beatless ? undefined : downbeatPhase(analysis) });
  // Beatless music has no attacks for a short crossfade to hide in front of: blend joins over longer.
  const crossfadeSeconds = beatless ? Math.max(options.crossfadeSeconds, BEATLESS_CROSSFADE_SECONDS) : options.crossfadeSeconds;
  const crossfadeSamples = Math.max(2, Math.round(crossfadeSeconds * sampleRate));
  const costScale = graph.jumps.map((j) => j[0]?.cost ?? Infinity).filter(Number.isFinite).sort((a, b) => a - b);
  let steering: GuideSteering | undefined;
  if (options.guide) {
    steering = createGuideSteering({
      predictor: options.guide,
      analysis,
      vectoriser: createBeatVectoriser(analysis),
      mono: downmix(input),
      lastPlayable: graph.lastPlayable,
      costScale: Math.max(1e-6, costScale[Math.floor(costScale.length / 2)] ?? 1),
    });
  }
  const plan = await planRemix(analysis, graph, {
    targetSamples: target,
    fadeOutSamples: Math.round(options.fadeOutSeconds * sampleRate),
    crossfadeSamples,
    random: mulberry32(options.seed ?? 1),
    steering,
    loudness,
    pulse: beatless ? undefined : createPulseProfile(analysis),
    onProgress: (position) => options.onProgress?.(0.9 * (position / sampleRate), totalSeconds),
  });
  const rendered = renderPlan(input, plan, {
    targetSamples: target,
    crossfadeSamples,
    entranceFadeSamples: Math.round(Math.min(1, Math.max(0.25, analysis.beatSamples / sampleRate)) * sampleRate),
  });
  options.onProgress?.(totalSeconds, totalSeconds);

  const notes = [
    analysis.method === "grid"
      ? `no clear beat (clarity ${analysis.clarity.toFixed(2)}): joins on a ${(analysis.beatSamples / sampleRate).toFixed(2)} s grid`
      : `${analysis.beats.length} beats at ${analysis.tempoBpm.toFixed(1)} BPM (${analysis.method})`,
    `${rendered.seams.length} joins, ${rendered.segments.length} segments of the original`,
    plan.entrance === "da capo"
      ? "the song ends quietly, so the continuation starts again from its beginning (da capo)"
      : "the continuation joins the song's last beat",
    plan.ending.kind === "outro"
      ? `ends with the song's own last ${((length - (rendered.segments.at(-1)?.sourceStart ?? 0) * sampleRate) / sampleRate).toFixed(1)} s`
      : `ends with a ${((target - plan.ending.fadeStart) / sampleRate).toFixed(1)} s fade (the song has no ending of its own)`,
  ];
  if (steering) {
    notes.push(
      `the model steered ${steering.steered()} of ${steering.decisions()} path decisions (one every ${options.guide!.horizonSeconds} s)`,
    );
  }
  return { audio: rendered.audio, seams: rendered.seams, segments: rendered.segments, notes };
}

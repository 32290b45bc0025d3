import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { downbeatPhase } from "../analysis/bars.ts";
import { createBeatVectoriser } from "../analysis/beat-vectors.ts";
import { analyseBeats, type BeatAnalysis } from "../analysis/beats.ts";
import { createLoudnessProfile, createPulseProfile, type LoudnessProfile } from "../analysis/continuity.ts";
import { analyseForm, type SongForm } from "../analysis/form.ts";
import { downmix } from "../analysis/signal.ts";
import { HarmonizerInputError } from "../errors.ts";
import type { FormName, FormSetting } from "../extend/types.ts";
import type { Predictor } from "../model/port.ts";
import { mulberry32 } from "../random.ts";
import { createGuideSteering, type GuideSteering } from "./guide.ts";
import { buildJumpGraph, type JumpGraph } from "./jump-graph.ts";
import { planRemix } from "./plan.ts";
import { renderPlan, type RemixSegment } from "./render.ts";
import { bodyPhrases, planSong, type PhraseSteering } from "./song-plan.ts";
import { renderSong } from "./song-render.ts";

/** Shortest crossfade at joins in songs without a clear beat, seconds. */
export const BEATLESS_CROSSFADE_SECONDS = 0.12;
/** Song form needs at least this much body material between the intro and the ending, seconds. */
const MIN_BODY_SECONDS = 12;

export interface RemixOptions {
  /** Exact length of the result, seconds (the result has round(targetSeconds * sampleRate) samples). */
  readonly targetSeconds: number;
  /** Fade at the end when the song has no ending of its own to finish with, seconds. */
  readonly fadeOutSeconds: number;
  /** Equal-power crossfade at each join, seconds (10–30 ms suits beat joins). */
  readonly crossfadeSeconds: number;
  /** "song", "continue" or "auto" (song when the input has an ending of its own). */
  readonly form?: FormSetting;
  /** With a predictor, the model chooses the path at decision points every horizonSeconds (continue form). */
  readonly guide?: Predictor;
  /** Chooses among the phrases at each phrase boundary (song form). */
  readonly phraseSteering?: PhraseSteering;
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  /** Same seed, same input, same options: same result. */
  readonly seed?: number;
}

export interface RemixResult {
  readonly audio: PcmAudio;
  readonly form: FormName;
  readonly formReason: string;
  /** End of the kept opening in the result, seconds (the intro in song form, the whole input in continue form). */
  readonly introSeconds: number;
  /** Join points in the result, seconds. */
  readonly seams: number[];
  /** The stretches of the input placed after the first seam. */
  readonly segments: RemixSegment[];
  readonly notes: string[];
}

/** What both forms need from the analysis of the input. */
interface Analysed {
  readonly input: PcmAudio;
  readonly analysis: BeatAnalysis;
  readonly form: SongForm;
  readonly graph: JumpGraph;
  readonly loudness: LoudnessProfile;
  readonly crossfadeSamples: number;
  readonly target: number;
}

/**
 * Extends a song by re-arranging its own beats, in one of two forms. Song form: the intro once, a body
 * re-sequenced from the song's phrases, the song's own ending at the very end (see planSong). Continue form:
 * the whole input, then a walk over its beats after the intro, finishing with the song's ending or a fade.
 * Joins keep the place in the bar, the short-term loudness and the pulse, and are crossfaded where smoothest.
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
  if (target === length) {
    return {
      audio: { sampleRate, channels: input.channels.map((c) => c.slice()) },
      form: "continue",
      formReason: "the input already has the target length",
      introSeconds: length / sampleRate,
      seams: [],
      segments: [],
      notes: ["the input already has the target length"],
    };
  }
  const analysis = analyseBeats(input);
  const beatless = analysis.method === "grid";
  const phase = beatless ? undefined : downbeatPhase(analysis);
  const form = analyseForm(analysis, { downbeatPhase: phase });
  const loudness = createLoudnessProfile(input);
  const graph = buildJumpGraph(analysis, { loudness, downbeatPhase: phase, firstBeat: form.introEndBeat });
  // Beatless music has no attacks for a short crossfade to hide in front of: blend joins over longer.
  const crossfadeSeconds = beatless ? Math.max(options.crossfadeSeconds, BEATLESS_CROSSFADE_SECONDS) : options.crossfadeSeconds;
  const analysed: Analysed = { input, analysis, form, graph, loudness, crossfadeSamples: Math.max(2, Math.round(crossfadeSeconds * sampleRate)), target };
  const beatNote = beatless
    ? `no clear beat (clarity ${analysis.clarity.toFixed(2)}): joins on a ${(analysis.beatSamples / sampleRate).toFixed(2)} s grid`
    : `${analysis.beats.length} beats at ${analysis.tempoBpm.toFixed(1)} BPM (${analysis.method})`;
  const choice = chooseForm(analysed, options.form ?? "auto");
  const result = choice.form === "song" ? await extendAsSong(analysed, options) : await extendAsContinuation(analysed, options);
  options.onProgress?.(target / sampleRate, target / sampleRate);
  return { ...result, form: choice.form, formReason: choice.reason, notes: [beatNote, ...result.notes] };
}

/** Song form when asked for or when the input has an ending of its own, and there is enough body to re-order. */
function chooseForm({ analysis, form, graph }: Analysed, setting: FormSetting): { form: FormName; reason: string } {
  if (setting === "continue") return { form: "continue", reason: "continue: asked for with --form continue" };
  const at = (beat: number) => (analysis.beats[beat] ?? analysis.length) / analysis.sampleRate;
  const body = at(form.endingStartBeat) - at(form.introEndBeat);
  if (body < MIN_BODY_SECONDS || bodyPhrases(form, graph).length < 2) {
    return {
      form: "continue",
      reason: `continue: between its intro and its ending the song has ${body.toFixed(1)} s of body, too little to re-order (song form needs ${MIN_BODY_SECONDS} s)`,
    };
  }
  if (setting === "song") return { form: "song", reason: `song: asked for with --form song (${form.endingReason})` };
  return form.hasEnding
    ? { form: "song", reason: `song: the input has an ending of its own (${form.endingReason})` }
    : { form: "continue", reason: `continue: the input has no ending of its own (${form.endingReason})` };
}

async function extendAsSong(
  { input, analysis, form, graph, crossfadeSamples, target }: Analysed,
  options: RemixOptions,
): Promise<Omit<RemixResult, "form" | "formReason">> {
  const sampleRate = input.sampleRate;
  const plan = await planSong(analysis, graph, form, {
    targetSamples: target,
    crossfadeSamples,
    random: mulberry32(options.seed ?? 1),
    pulse: analysis.method === "grid" ? undefined : createPulseProfile(analysis),
    steering: options.phraseSteering,
    onProgress: (position) => options.onProgress?.(0.9 * (position / sampleRate), target / sampleRate),
  });
  const rendered = renderSong(input, plan, { targetSamples: target, crossfadeSamples });
  const seconds = (samples: number) => (samples / sampleRate).toFixed(1);
  const notes = [
    `song form: the intro's first ${seconds(plan.introSamples)} s, a body of ${rendered.segments.length - 1} re-ordered phrases and runs, the song's own last ${seconds(input.channels[0]!.length - (plan.ranges.at(-1)?.start ?? 0))} s`,
    `${rendered.seams.length} joins`,
  ];
  if (plan.padSamples > 0.05 * sampleRate) notes.push(`${seconds(plan.padSamples)} s of silence after the song's own ending, to be exactly on time`);
  if (plan.padSamples < -0.05 * sampleRate) notes.push(`${seconds(-plan.padSamples)} s of the song's trailing silence cut, to be exactly on time`);
  for (const shortfall of plan.shortfalls) notes.push(`variety: ${shortfall}`);
  return { audio: rendered.audio, introSeconds: plan.introSamples / sampleRate, seams: rendered.seams, segments: rendered.segments, notes };
}

async function extendAsContinuation(
  { input, analysis, graph, loudness, crossfadeSamples, target }: Analysed,
  options: RemixOptions,
): Promise<Omit<RemixResult, "form" | "formReason">> {
  const sampleRate = input.sampleRate;
  const length = frameCount(input);
  const beatless = analysis.method === "grid";
  let steering: GuideSteering | undefined;
  if (options.guide) {
    const costScale = graph.jumps.map((j) => j[0]?.cost ?? Infinity).filter(Number.isFinite).sort((a, b) => a - b);
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
    onProgress: (position) => options.onProgress?.(0.9 * (position / sampleRate), target / sampleRate),
  });
  const rendered = renderPlan(input, plan, {
    targetSamples: target,
    crossfadeSamples,
    entranceFadeSamples: Math.round(Math.min(1, Math.max(0.25, analysis.beatSamples / sampleRate)) * sampleRate),
  });
  const notes = [
    `${rendered.seams.length} joins, ${rendered.segments.length} segments of the original`,
    plan.ending.kind === "outro"
      ? `ends with the song's own last ${((length - (rendered.segments.at(-1)?.sourceStart ?? 0) * sampleRate) / sampleRate).toFixed(1)} s`
      : `ends with a ${((target - plan.ending.fadeStart) / sampleRate).toFixed(1)} s fade (the song has no ending of its own)`,
  ];
  if (steering) {
    notes.push(`the model steered ${steering.steered()} of ${steering.decisions()} path decisions (one every ${options.guide!.horizonSeconds} s)`);
  }
  return { audio: rendered.audio, introSeconds: length / sampleRate, seams: rendered.seams, segments: rendered.segments, notes };
}

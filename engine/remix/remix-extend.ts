import type { ClosingFade } from "../audio/fade.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { streamOf, withWholeAudio, type AudioStream } from "../audio/stream.ts";
import { downbeatPhase } from "../analysis/bars.ts";
import { analyseSignal, type BeatAnalysis, type SignalAnalysis } from "../analysis/beats.ts";
import { createLoudnessProfile, createPulseProfile, type LoudnessProfile } from "../analysis/continuity.ts";
import { analyseForm, type FormName, type FormSetting, type SongForm } from "../analysis/form.ts";
import { HarmonizerInputError } from "../errors.ts";
import type { Conductor, Predictor } from "../model/port.ts";
import { createConductorSteering } from "./conductor-steering.ts";
import { rotationSteeringFor } from "./rotation-steering.ts";
import { mulberry32 } from "../random.ts";
import { guideSteering } from "./guide.ts";
import { jumpGraphSteps, type JumpGraph } from "./jump-graph.ts";
import { searchJoins } from "./join-search-threads.ts";
import { yieldToEventLoop } from "../audio/encode/bytes.ts";
import { finishYielding } from "../quality/steps.ts";
import { cutPositions, type RemixPlan } from "./plan.ts";
import { RIDE_SECONDS } from "./level-ride.ts";
import { renderPlan, type RemixSegment, type RenderedRemix } from "./render.ts";
import type { PhraseSteering } from "./phrase.ts";
import { bodyPhrases, planPhrases } from "./phrase-plan.ts";
import { type RecentBarsOptions, recentBarsNote } from "./recent-bars.ts";
import { renderSong } from "./song-render.ts";
import { continueAskedFor, songAskedFor } from "./form-reasons.ts";
import { describeEdits, endingFitsAfter, outroNotes, planByNeed } from "./need.ts";
import { stage } from "../stages.ts";

/** Shortest crossfade at joins in songs without a clear beat, seconds. */
export const BEATLESS_CROSSFADE_SECONDS = 0.12;
/** Song form needs at least this much body material between the intro and the ending, seconds. */
const MIN_BODY_SECONDS = 12;

export interface RemixOptions extends RecentBarsOptions {
  /** Exact length of the result, seconds (the result has round(targetSeconds * sampleRate) samples). */
  readonly targetSeconds: number;
  /** Fade at the end when the song has no ending of its own to finish with, seconds. */
  readonly fadeOutSeconds: number;
  /** Equal-power crossfade at each join, seconds (10–30 ms suits beat joins). */
  readonly crossfadeSeconds: number;
  /** "song", "continue" or "auto" (song when the input has an ending of its own). */
  readonly form?: FormSetting;
  /** The input's beats and the analysis frames they were found on (analyseSignal), when already analysed. */
  readonly beats?: BeatAnalysis;
  readonly frames?: SignalAnalysis["frames"];
  /** With a predictor, the model chooses the path at decision points every horizonSeconds (continue form). */
  readonly guide?: Predictor;
  /** The conductor chooses among the phrases the rules admit at each phrase boundary. */
  readonly conductor?: Conductor;
  /** Any other chooser among the admitted phrases (tests, experiments). */
  readonly phraseSteering?: PhraseSteering;
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  /** Same seed, same input, same options: same result. */
  readonly seed?: number;
}

/** "1 join", "2 joins". */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

export interface RemixResult {
  /** The result, rendered window by window as it is read. */
  readonly stream: AudioStream;
  /** The whole result, rendered on first read. */
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
  readonly shortestRepeatSeconds?: number;
  /** The closing fade-out; absent when the song's own ending closes the result. */
  readonly closingFade?: ClosingFade;
}

/** What both forms need from the analysis of the input. */
interface Analysed {
  readonly input: PcmAudio;
  readonly analysis: BeatAnalysis;
  readonly frames: SignalAnalysis["frames"];
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
  if (!Number.isFinite(options.targetSeconds) || target <= 0) {
    throw new HarmonizerInputError("INVALID_TARGET", `target ${options.targetSeconds} s is not a length of time`);
  }
  if (target === length) {
    const copy = { sampleRate, channels: input.channels.map((c) => c.slice()) };
    return withWholeAudio(
      {
        form: "continue" as const,
        formReason: "the input already has the target length",
        introSeconds: length / sampleRate,
        seams: [],
        segments: [],
        notes: ["the input already has the target length"],
      },
      streamOf(copy),
    );
  }
  const shared = options.beats && options.frames ? { beats: options.beats, frames: options.frames } : undefined;
  const { beats: analysis, frames } = shared ?? analyseSignal(input);
  const beatless = analysis.method === "grid";
  const phase = beatless ? undefined : downbeatPhase(analysis);
  const form = analyseForm(analysis, { downbeatPhase: phase });
  const loudness = createLoudnessProfile(input);
  await yieldToEventLoop(); // a stop waiting since the input's analysis is handled before the jump graph and the walk
  stage("remix: form analysed");
  const graph = await finishYielding(
    jumpGraphSteps(analysis, { loudness, downbeatPhase: phase, firstBeat: form.introEndBeat }),
  );
  stage("remix: jump graph");
  const crossfadeSeconds = joinCrossfadeSeconds(analysis, options.crossfadeSeconds);
  const crossfadeSamples = Math.max(2, Math.round(crossfadeSeconds * sampleRate));
  const analysed: Analysed = { input, analysis, frames, form, graph, loudness, crossfadeSamples, target };
  const beatNote = beatless
    ? `no clear beat (clarity ${analysis.clarity.toFixed(2)}): joins on a ${(analysis.beatSamples / sampleRate).toFixed(2)} s grid`
    : `${analysis.beats.length} beats at ${analysis.tempoBpm.toFixed(1)} BPM (${analysis.method})`;
  const blendNote =
    crossfadeSeconds > options.crossfadeSeconds
      ? `soft attacks (onset strength ${analysis.onsetStrength.toFixed(2)}): joins blended over ${Math.round(1000 * crossfadeSeconds)} ms`
      : undefined;
  const choice = chooseForm(analysed, options.form ?? "auto");
  const result = await extendInForm(analysed, choice.form, options);
  options.onProgress?.(target / sampleRate, target / sampleRate);
  await yieldToEventLoop(); // a stop that came while planning is handled before the result is measured
  const { stream, ...made } = result;
  return withWholeAudio(
    {
      ...made,
      form: choice.form,
      formReason: choice.reason,
      notes: [beatNote, ...(blendNote ? [blendNote] : []), ...result.notes],
    },
    stream,
  );
}

/**
 * At or below this onset strength (orchestral strings and pads measure about 0.2, rock and electronic songs 0.5-1.8)
 * there is no attack for a short crossfade to hide in front of, and a 20 ms switch between two sustained sounds is
 * heard: joins are blended over BEATLESS_CROSSFADE_SECONDS, as in music without a beat; between it and
 * SHARP_ONSET_STRENGTH the crossfade is interpolated.
 */
const SOFT_ONSET_STRENGTH = 0.4;
const SHARP_ONSET_STRENGTH = 0.6;

/** The crossfade at each join: the one asked for, lengthened for music without a beat or with soft attacks. */
function joinCrossfadeSeconds(analysis: BeatAnalysis, asked: number): number {
  if (analysis.method === "grid") return Math.max(asked, BEATLESS_CROSSFADE_SECONDS);
  const softness = Math.min(
    1,
    Math.max(0, (SHARP_ONSET_STRENGTH - analysis.onsetStrength) / (SHARP_ONSET_STRENGTH - SOFT_ONSET_STRENGTH)),
  );
  return Math.max(asked, asked + softness * (BEATLESS_CROSSFADE_SECONDS - asked));
}

/** Song form when asked for or when the input has an ending of its own, and there is enough body to re-order. */
function chooseForm(
  { analysis, form, graph, target }: Analysed,
  setting: FormSetting,
): { form: FormName; reason: string } {
  const shorter = target < analysis.length;
  if (setting === "continue" && !shorter) return { form: "continue", reason: continueAskedFor(form) };
  const at = (beat: number) => (analysis.beats[beat] ?? analysis.length) / analysis.sampleRate;
  const body = at(form.endingStartBeat) - at(form.introEndBeat);
  const tooLittle = body < MIN_BODY_SECONDS || bodyPhrases(form, graph, form.endingStartBeat).length < 2;
  if (shorter) {
    if (tooLittle)
      throw new HarmonizerInputError(
        "INVALID_TARGET",
        `the song has ${body.toFixed(1)} s of body between its intro and its ending, too little to leave phrases out (at least ${MIN_BODY_SECONDS} s); ask for at least its length, ${(analysis.length / analysis.sampleRate).toFixed(1)} s`,
      );
    return { form: "song", reason: "song: a shorter target keeps the intro and the ending and leaves phrases out" };
  }
  if (tooLittle) {
    return {
      form: "continue",
      reason: `continue: between its intro and its ending the song has ${body.toFixed(1)} s of body, too little to re-order (song form needs ${MIN_BODY_SECONDS} s)`,
    };
  }
  if (setting === "song") return { form: "song", reason: songAskedFor(form) };
  return form.hasEnding
    ? { form: "song", reason: `song: the input has an ending of its own (${form.endingReason})` }
    : { form: "continue", reason: `continue: the input has no ending of its own (${form.endingReason})` };
}

/** Plans with the phrase planner in the chosen form and renders the plan. */
async function extendInForm(
  analysed: Analysed,
  formName: FormName,
  options: RemixOptions,
): Promise<Omit<RemixResult, "form" | "formReason" | "audio">> {
  const { input, analysis, frames, form, graph, crossfadeSamples, target } = analysed;
  const [sampleRate, length] = [input.sampleRate, frameCount(input)];
  const cuts = cutPositions(analysis, crossfadeSamples);
  const steering =
    options.phraseSteering ??
    (options.conductor ? createConductorSteering(input, options.conductor, cuts, formName) : undefined) ??
    (options.guide ? guideSteering(input, analysis, graph, options.guide) : undefined);
  const recentBarsSteering = formName === "continue" ? rotationSteeringFor(input, options) : undefined;
  const pulse = analysis.method === "grid" ? undefined : createPulseProfile(analysis);
  const edited =
    formName === "song" ? planByNeed({ analysis, graph, form, crossfadeSamples, target }, pulse) : undefined;
  const plan =
    edited?.plan ??
    (await planPhrases(analysis, graph, form, {
      form: formName,
      ending: formName === "song" || (form.hasEnding && endingFitsAfter(analysis, form, target)) ? "outro" : "fade",
      targetSamples: target,
      crossfadeSamples,
      fadeOutSamples: Math.round(options.fadeOutSeconds * sampleRate),
      random: mulberry32(options.seed ?? 1),
      pulse,
      steering,
      recentBarsSeconds: options.recentBarsSeconds,
      recentBarsSteering,
      frames,
      onProgress: (position) => options.onProgress?.(0.9 * (position / sampleRate), target / sampleRate),
    }));
  stage("remix: walk planned");
  const rendered = await renderInForm(analysed, plan, formName);
  stage("remix: rendering set up");
  const seconds = (samples: number) => (samples / sampleRate).toFixed(1);
  const notes = [
    edited
      ? `song form, planned by need: the input's first ${seconds(plan.introSamples)} s (its intro), its body, then its ending`
      : formName === "song"
        ? `song form: the input's first ${seconds(plan.introSamples)} s (its intro), a body re-ordered from its phrases, then its ending`
        : `continue form: the whole input (${seconds(length)} s), then ${recentBarsNote(plan.recentBarsSamples, sampleRate)}a body re-ordered from its phrases`,
    ...(edited ? describeEdits(edited, cuts, analysis) : []),
    `${count(rendered.seams.length, "join")}, ${count(rendered.segments.length, "run")} of the input after the first join`,
  ];
  if (plan.ending.kind === "outro") notes.push(...outroNotes(plan.ending, plan.ranges, analysis, form));
  else notes.push(`ends with a ${seconds(target - plan.ending.fadeStart)} s fade (the input has no ending of its own)`);
  const { ridden, largestStepLu } = rendered.levels;
  if (ridden > 0)
    notes.push(
      `level ridden across ${ridden} of ${rendered.seams.length} joins (steps up to ${largestStepLu.toFixed(1)} LU spread over ${RIDE_SECONDS} s)`,
    );
  for (const shortfall of plan.shortfalls) notes.push(`variety: ${shortfall}`);
  if (steering)
    notes.push(edited ? "the model does not steer a plan by need (the song keeps its own order)" : steering.summary());
  if (recentBarsSteering && plan.recentBarsSamples) notes.push(recentBarsSteering.summary());
  return {
    stream: rendered,
    introSeconds: plan.introSamples / sampleRate,
    shortestRepeatSeconds: plan.shortestRepeatSeconds,
    ...(plan.ending.kind === "fade" && {
      closingFade: { startSeconds: plan.ending.fadeStart / sampleRate, curve: "cosine" as const },
    }),
    seams: rendered.seams,
    segments: rendered.segments,
    notes,
  };
}

/** Renders the plan in its form, its joins searched first. */
async function renderInForm(
  { input, analysis, loudness, crossfadeSamples, target }: Analysed,
  plan: RemixPlan,
  formName: FormName,
): Promise<RenderedRemix> {
  // Searched here, not in the renderer, so that a stop is let through while a long result's many joins are.
  const joinShifts = await searchJoins(input, plan.ranges, crossfadeSamples);
  stage("remix: joins searched");
  const options = { targetSamples: target, crossfadeSamples, loudness, joinShifts };
  if (formName === "song") return renderSong(input, plan, options);
  const entranceSeconds = Math.min(1, Math.max(0.25, analysis.beatSamples / input.sampleRate));
  return renderPlan(input, plan, { ...options, entranceFadeSamples: Math.round(entranceSeconds * input.sampleRate) });
}

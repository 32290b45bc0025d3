import type { BeatAnalysis } from "../analysis/beats.ts";
import { clockTenths } from "../clock.ts";
import type { SongForm } from "../analysis/form.ts";
import { HarmonizerInputError } from "../errors.ts";
import type { PulseProfile } from "../analysis/continuity.ts";
import { type EditedPlan, planEdits } from "./edit-plan.ts";
import type { JumpGraph } from "./jump-graph.ts";
import { cutPositions, type Ending, type SourceRange } from "./plan.ts";

/** Song time as m:ss.s. */
export const songTime = (samples: number, sampleRate: number): string => clockTenths(samples / sampleRate);

/**
 * The shortest sensible result, samples: the intro, one phrase of the body (its median phrase) and the song's own
 * ending, less a bar of the ending's trailing silence or padding the fit may use.
 */
export function shortestResultSamples(analysis: BeatAnalysis, form: SongForm, cuts: readonly number[]): number {
  const at = (beat: number) => cuts[beat] ?? analysis.length;
  const phrases: number[] = [];
  for (const [i, start] of form.phraseStarts.entries()) {
    const end = Math.min(form.phraseStarts[i + 1] ?? form.endingStartBeat, form.endingStartBeat);
    if (start >= form.introEndBeat && end > start) phrases.push(at(end) - at(start));
  }
  phrases.sort((a, b) => a - b);
  const phrase = phrases[Math.floor(phrases.length / 2)] ?? 0;
  return at(form.introEndBeat) + phrase + (analysis.length - at(form.endingStartBeat)) - 4 * analysis.beatSamples;
}

/** Refuses a shortening below the shortest sensible result, naming that length and what it is made of. */
export function refuseTooShort(targetSamples: number, analysis: BeatAnalysis, form: SongForm, cuts: readonly number[]) {
  const shortest = shortestResultSamples(analysis, form, cuts);
  if (targetSamples >= shortest) return;
  const at = (beat: number) => cuts[beat] ?? analysis.length;
  const s = (samples: number) => (samples / analysis.sampleRate).toFixed(1);
  const least = (Math.ceil((10 * shortest) / analysis.sampleRate) / 10).toFixed(1);
  throw new HarmonizerInputError(
    "INVALID_TARGET",
    `the target of ${s(targetSamples)} s is shorter than this song can be made: its intro (${s(at(form.introEndBeat))} s), ` +
      `one phrase and its ending (${s(analysis.length - at(form.endingStartBeat))} s) take at least ${least} s; ` +
      `ask for at least ${least} s`,
  );
}

/** The report's account of an edit plan: what was repeated or left out, in song time. */
export function describeEdits(
  { edits, leftOut }: Pick<EditedPlan, "edits" | "leftOut">,
  cuts: readonly number[],
  analysis: BeatAnalysis,
): string[] {
  const rate = analysis.sampleRate;
  const at = (beat: number) => cuts[beat] ?? analysis.length;
  const span = (from: number, to: number) => `${songTime(at(from), rate)}–${songTime(at(to), rate)}`;
  const words = edits.map((edit) =>
    edit.kind === "repeat"
      ? `${span(edit.from, edit.to)} played twice`
      : edit.kind === "insert"
        ? `${span(edit.from, edit.to)} played again at ${songTime(at(edit.site), rate)}`
        : `${span(edit.site, edit.to)} left out`,
  );
  const notes = [
    edits.length === 0
      ? "the song in its own order, unedited"
      : `the song in its own order with ${edits.length} edit${edits.length === 1 ? "" : "s"} (song time): ${words.join("; ")}`,
  ];
  if (leftOut.length > 0) {
    const total = leftOut.reduce((sum, r) => sum + r.end - r.start, 0);
    notes.push(
      `left out (song time): ${leftOut.map((r) => `${songTime(r.start, rate)}–${songTime(r.end, rate)}`).join(", ")} (${(total / rate).toFixed(1)} s)`,
    );
  }
  return notes;
}

/** The report's account of how a plan ends with the song's own ending: how much of it, entered where, and the pad. */
export function outroNotes(
  ending: Extract<Ending, { kind: "outro" }>,
  ranges: readonly SourceRange[],
  analysis: BeatAnalysis,
  form: SongForm,
): string[] {
  const { length, sampleRate } = analysis;
  const seconds = (samples: number) => (samples / sampleRate).toFixed(1);
  const notes = [`ends with the input's own last ${seconds(length - (ranges.at(-1)?.start ?? 0))} s`];
  const endingStart = analysis.beats[form.endingStartBeat] ?? length;
  const enteredAt = analysis.beats[ending.beat] ?? length;
  const its = `its ending (the last ${seconds(length - endingStart)} s) is`;
  const early = ending.approachSamples ?? 0;
  if (enteredAt > endingStart)
    notes.push(
      `${its} joined ${seconds(enteredAt - endingStart)} s in: no exit into its start came within a bar of the target`,
    );
  // An exit at the ending's first beat, shifted a little earlier to meet the beat, is a join into the ending itself.
  else if (ending.beat < form.endingStartBeat && early > 0.05 * sampleRate)
    notes.push(
      `${its} entered ${seconds(early)} s early, ridden up to its level: a join straight into it stepped the level`,
    );
  const pad = ending.padSamples;
  if (pad > 0.05 * sampleRate)
    notes.push(`${seconds(pad)} s of silence after the song's own ending, to be exactly on time`);
  if (pad < -0.05 * sampleRate)
    notes.push(`${seconds(-pad)} s of the song's trailing silence cut, to be exactly on time`);
  return notes;
}

/** Continue form: whether the extension has room for a phrase and the song's own ending again (else it fades out). */
export function endingFitsAfter(analysis: BeatAnalysis, form: SongForm, target: number): boolean {
  const ending = analysis.length - (analysis.beats[form.endingStartBeat] ?? analysis.length);
  return target - analysis.length >= ending + 4 * analysis.beatSamples;
}

/**
 * Song form up to twice the song's length, and shorter: the song in its own order with the fewest edits that reach
 * the target (edit-plan.ts). Above twice the length, or when no edits fit, undefined: the walk re-sequences the body.
 */
export function planByNeed(
  {
    analysis,
    graph,
    form,
    crossfadeSamples,
    target,
  }: { analysis: BeatAnalysis; graph: JumpGraph; form: SongForm; crossfadeSamples: number; target: number },
  pulse: PulseProfile | undefined,
): EditedPlan | undefined {
  if (target > 2 * analysis.length) return undefined;
  const cuts = cutPositions(analysis, crossfadeSamples);
  if (target < analysis.length) refuseTooShort(target, analysis, form, cuts);
  const edited = planEdits(analysis, graph, form, { targetSamples: target, crossfadeSamples, pulse });
  if (!edited && target < analysis.length)
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `no set of whole bars of this song leaves exactly ${((analysis.length - target) / analysis.sampleRate).toFixed(1)} s out; ask for its length or more`,
    );
  return edited;
}

import { checkTargets, type EngineName, type ExtensionReport, formatCheckValue } from "#engine";
import type { PcmAudio } from "#engine/audio/pcm.ts";
import { synthesizeFormSong } from "#engine/synth/form-song.ts";

/**
 * The song the demo extends: 77.5 s, stereo, 44.1 kHz, with an intro, verses, choruses and an ending of its own. It
 * was a 25 s clip of one 4-bar pattern with no ending, taken to 60 s: the planner then had 8.6 s of body to re-order
 * and could only loop it (a 12.8 s back-to-back loop, the one target missed).
 */
export const demoSong = (): PcmAudio => synthesizeFormSong({ sampleRate: 44_100, bpm: 120, key: 3, seed: 99 });

/** How long the demo makes it, seconds (`--to`): about 2.3 times the song. */
export const DEMO_TARGET_SECONDS = 180;

/** One extension the demo makes: the engine it names is the one it passes, and the one its report must show. */
export interface DemoRun {
  readonly engine: EngineName;
  /** What the run shows, after "<engine> engine: ". */
  readonly what: string;
  /** The result's file name in the demo folder. */
  readonly file: string;
  readonly args: readonly string[];
}

/** The demo's extensions of its song: the default engine as a user gets it, then the model just trained, two ways. */
export function demoRuns(modelDir: string): DemoRun[] {
  const run = (engine: EngineName, what: string, file: string, model?: string): DemoRun => ({
    engine,
    what,
    file,
    args: ["--engine", engine, ...(model === undefined ? [] : ["--model", model])],
  });
  return [
    run("conductor", "the default: the shipped conductor model chooses each phrase", "song-extended.wav"),
    run("hybrid", "the model just trained chooses each phrase of the remix", "song-hybrid.wav", modelDir),
    run("neural", "the model just trained generates the audio itself, for comparison", "song-neural.wav", modelDir),
  ];
}

/**
 * Why a run's report shows another engine than it asked for, when that is the engine's own guard at work (the
 * neural chain's prediction turned to noise or diverged, and the planner took over, saying so); undefined for any
 * other mismatch, which the demo must not let pass (a model missing or of the wrong kind).
 */
export function explainedFallback(
  run: Pick<DemoRun, "engine">,
  report: { readonly engine: string; readonly notes: readonly string[] },
): string | undefined {
  if (report.engine === run.engine || run.engine !== "neural") return undefined;
  return report.notes.find((note) => note.startsWith("the neural chain stopped"));
}

/** The quality targets an extension met, as the demo's closing summary says it: "all 10 quality targets met", or the misses. */
export function targetsMet(report: Pick<ExtensionReport, "quality" | "form" | "shortestRepeatSeconds">): string {
  if (report.quality === undefined) return "quality not measured";
  const checks = checkTargets(report.quality, {
    inputHasEnding: report.form === "song",
    shortestRepeatSeconds: report.shortestRepeatSeconds,
  }).filter((check) => check.met !== null);
  const missed = checks.filter((check) => !check.met);
  if (missed.length === 0) return `all ${checks.length} quality targets met`;
  const named = missed.map((check) => `${check.label} ${formatCheckValue(check)} (target ${check.target})`);
  return `${checks.length - missed.length} of ${checks.length} quality targets met; missed: ${named.join(", ")}`;
}

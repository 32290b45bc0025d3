import type { EngineName } from "#engine";

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

import { join } from "node:path";
import { decodeAudioFile } from "../audio/decode.ts";
import { durationSeconds } from "../audio/pcm.ts";
import { evaluateEngines, type EngineEvaluation } from "../quality/index.ts";
import { type Candidate, makeExtenders, type Models } from "./extenders.ts";

export interface EvaluateEnginesOptions {
  readonly dataDir: string;
  /** Files to extend, relative to dataDir. */
  readonly names: readonly string[];
  readonly candidates: readonly Candidate[];
  readonly models: Models;
  /** Each file is extended to stretch times its length, but to at least minSeconds. */
  readonly stretch: number;
  readonly minSeconds: number;
  /** Called before each file with its length and the target. */
  readonly onFile?: (name: string, seconds: number, targetSeconds: number) => void;
}

/** Every candidate extends every file; one quality evaluation per (file, candidate), in file order. */
export async function evaluateEnginesOnFiles(
  options: EvaluateEnginesOptions,
): Promise<(EngineEvaluation & { readonly file: string })[]> {
  const extenders = makeExtenders(options.candidates, options.models);
  const evaluations: (EngineEvaluation & { file: string })[] = [];
  for (const name of options.names) {
    const decoded = await decodeAudioFile(join(options.dataDir, name));
    const input = { sampleRate: decoded.sampleRate, channels: decoded.channels };
    const seconds = durationSeconds(input);
    const targetSeconds = Math.max(options.minSeconds, Math.round(options.stretch * seconds));
    options.onFile?.(name, seconds, targetSeconds);
    for (const evaluation of await evaluateEngines(input, targetSeconds, extenders))
      evaluations.push({ ...evaluation, file: name });
  }
  return evaluations;
}

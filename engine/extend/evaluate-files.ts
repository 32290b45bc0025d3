import { join } from "node:path";
import { decodeAudioFile } from "../audio/decode.ts";
import { checkInput } from "../audio/check-input.ts";
import { durationSeconds, type PcmAudio } from "../audio/pcm.ts";
import { isInputError } from "../errors.ts";
import { DEFAULT_LIMITS } from "../limits.ts";
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
  /** Called for a file the CLI would refuse (too short, too long, silent), which is left out: why. */
  readonly onSkip?: (name: string, reason: string) => void;
}

/**
 * Every candidate extends every file; one quality evaluation per (file, candidate), in file order. A file `extend`
 * would refuse (checkInput with the default limits) is left out, and onSkip says why: its figures would not be a
 * user's, and they would move the medians.
 */
export async function evaluateEnginesOnFiles(
  options: EvaluateEnginesOptions,
): Promise<(EngineEvaluation & { readonly file: string })[]> {
  const extenders = makeExtenders(options.candidates, options.models);
  const evaluations: (EngineEvaluation & { file: string })[] = [];
  for (const name of options.names) {
    const decoded = await decodeAudioFile(join(options.dataDir, name));
    const input = { sampleRate: decoded.sampleRate, channels: decoded.channels };
    const refusal = refusalOf(input);
    if (refusal !== undefined) {
      options.onSkip?.(name, refusal);
      continue;
    }
    const seconds = durationSeconds(input);
    const targetSeconds = Math.max(options.minSeconds, Math.round(options.stretch * seconds));
    options.onFile?.(name, seconds, targetSeconds);
    for (const evaluation of await evaluateEngines(input, targetSeconds, extenders))
      evaluations.push({ ...evaluation, file: name });
  }
  return evaluations;
}

function refusalOf(input: PcmAudio): string | undefined {
  try {
    checkInput(input, DEFAULT_LIMITS);
    return undefined;
  } catch (error) {
    if (isInputError(error)) return error.message;
    throw error;
  }
}

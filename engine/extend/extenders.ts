import type { PcmAudio } from "../audio/pcm.ts";
import { HarmonizerInputError } from "../errors.ts";
import { loopBaseline, silenceBaseline, type Extender } from "../quality/index.ts";
import { DEFAULT_CROSSFADE_SECONDS, DEFAULT_FADE_OUT_SECONDS, extendAudio } from "./extend.ts";
import type { EngineName, Predictor } from "./types.ts";

/** Everything an evaluation can compare: the three engines and the two naive baselines. */
export const CANDIDATES = ["remix", "hybrid", "neural", "loop", "silence"] as const;
export type Candidate = (typeof CANDIDATES)[number];

/**
 * One Extender per named candidate, all with the engines' defaults and a fixed seed, so evaluations are repeatable.
 * "hybrid" and "neural" need a predictor; asking for them without one is an input error naming the fix.
 */
export function makeExtenders(names: readonly Candidate[], predictor?: Predictor): Record<string, Extender> {
  const extenders: Record<string, Extender> = {};
  for (const name of names) {
    if ((name === "hybrid" || name === "neural") && !predictor) {
      throw new HarmonizerInputError("MODEL_NOT_FOUND", `the ${name} engine needs a trained model: pass --model DIR`);
    }
    extenders[name] =
      name === "loop"
        ? (input, targetSeconds) => loopBaseline(input, targetSeconds, DEFAULT_CROSSFADE_SECONDS.remix)
        : name === "silence"
          ? (input, targetSeconds) => silenceBaseline(input, targetSeconds)
          : engineExtender(name, predictor);
  }
  return extenders;
}

function engineExtender(engine: EngineName, predictor: Predictor | undefined): Extender {
  return async (input: PcmAudio, targetSeconds: number) => {
    const result = await extendAudio(input, {
      targetSeconds,
      engine,
      predictor: engine === "remix" ? undefined : predictor,
      fadeOutSeconds: DEFAULT_FADE_OUT_SECONDS,
    });
    return { audio: result.audio, seams: [...result.seams], introSeconds: result.introSeconds, form: result.form };
  };
}

import type { PcmAudio } from "../audio/pcm.ts";
import { HarmonizerInputError } from "../errors.ts";
import { loopBaseline, silenceBaseline, type Extender } from "../quality/index.ts";
import { DEFAULT_CROSSFADE_SECONDS, DEFAULT_FADE_OUT_SECONDS, extendAudio } from "./extend.ts";
import type { Conductor, EngineName, ExtendOptions, Predictor } from "./types.ts";

/** Everything an evaluation can compare: the four engines and the two naive baselines. */
export const CANDIDATES = ["conductor", "remix", "hybrid", "neural", "loop", "silence"] as const;
export type Candidate = (typeof CANDIDATES)[number];

/** The trained models an evaluation may use. */
export interface Models {
  readonly predictor?: Predictor;
  readonly conductor?: Conductor;
}

/**
 * One Extender per named candidate, all with the engines' defaults and a fixed seed, so evaluations are repeatable.
 * "hybrid" and "neural" need a raw-audio predictor, "conductor" a conductor; asking for them without one is an
 * input error naming the fix.
 */
export function makeExtenders(
  names: readonly Candidate[],
  models: Models = {},
  settings: Pick<ExtendOptions, "recentBarsSeconds"> = {},
): Record<string, Extender> {
  const extenders: Record<string, Extender> = {};
  for (const name of names) {
    if ((name === "hybrid" || name === "neural") && !models.predictor) {
      throw new HarmonizerInputError(
        "MODEL_NOT_FOUND",
        `the ${name} engine needs a trained raw-audio model: pass --model DIR`,
      );
    }
    if (name === "conductor" && !models.conductor) {
      throw new HarmonizerInputError(
        "MODEL_NOT_FOUND",
        "the conductor engine needs a conductor model (models/conductor ships with the project)",
      );
    }
    extenders[name] =
      name === "loop"
        ? (input, targetSeconds) => loopBaseline(input, targetSeconds, DEFAULT_CROSSFADE_SECONDS.remix)
        : name === "silence"
          ? (input, targetSeconds) => silenceBaseline(input, targetSeconds)
          : engineExtender(name, models, settings);
  }
  return extenders;
}

function engineExtender(
  engine: EngineName,
  models: Models,
  settings: Pick<ExtendOptions, "recentBarsSeconds">,
): Extender {
  return async (input: PcmAudio, targetSeconds: number) => {
    const result = await extendAudio(input, {
      targetSeconds,
      engine,
      predictor: engine === "hybrid" || engine === "neural" ? models.predictor : undefined,
      conductor: engine === "conductor" ? models.conductor : undefined,
      fadeOutSeconds: DEFAULT_FADE_OUT_SECONDS,
      ...settings,
    });
    return {
      audio: result.audio,
      seams: [...result.seams],
      seamSources: result.seamSources,
      introSeconds: result.introSeconds,
      closingFade: result.closingFade,
      form: result.form,
      notes: result.notes,
    };
  };
}

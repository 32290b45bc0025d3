import { durationSeconds, type PcmAudio } from "../audio/pcm.ts";
import { withWholeAudio } from "../audio/stream.ts";
import { HarmonizerInputError } from "../errors.ts";
import { checkTargetSeconds, DEFAULT_LIMITS, type InputLimits } from "../limits.ts";
import { remixExtend } from "../remix/index.ts";
import { extendWithModel } from "./neural.ts";
import { plannerFields } from "./planner-fields.ts";
import type { EngineName, ExtendOptions, ExtendResult } from "./types.ts";

export { DEFAULT_ENGINE, ENGINES } from "./types.ts";

export const DEFAULT_FADE_OUT_SECONDS = 6;
/** Neural chunks are blurry at their edges and overlap generously; remix joins land on beats and zero crossings. */
export const DEFAULT_CROSSFADE_SECONDS: Record<EngineName, number> = {
  neural: 0.5,
  remix: 0.02,
  hybrid: 0.02,
  conductor: 0.02,
};

/** Rejects a target the song can't be extended to, naming the limit (the pipeline's one target rule). */
export function checkTarget(input: PcmAudio, targetSeconds: number, limits: InputLimits = DEFAULT_LIMITS): void {
  checkTargetSeconds(targetSeconds, durationSeconds(input), limits);
}

/** Extends `input` to exactly `options.targetSeconds` with the chosen engine. */
export async function extendAudio(
  input: PcmAudio,
  options: ExtendOptions,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<ExtendResult> {
  checkTarget(input, options.targetSeconds, limits);
  const { engine, predictor } = options;
  if (engine === "neural") {
    if (options.targetSeconds < durationSeconds(input)) {
      throw new HarmonizerInputError(
        "INVALID_TARGET",
        `the neural engine only lengthens (it continues the whole song): the target of ${options.targetSeconds} s is shorter than the song (${durationSeconds(input).toFixed(1)} s); the conductor and remix engines shorten`,
      );
    }
    if (!predictor) {
      throw new HarmonizerInputError(
        "MODEL_NOT_FOUND",
        "the neural engine needs a trained model: run `npx harmonizer train --data DIR` or pass --model DIR",
      );
    }
    return extendWithModel(input, predictor, {
      ...options,
      crossfadeSeconds: options.crossfadeSeconds ?? DEFAULT_CROSSFADE_SECONDS.neural,
    });
  }
  const notes: string[] = [];
  if (engine === "hybrid" && !predictor) {
    notes.push(
      "no trained model: used the remix engine alone (train one with `npx harmonizer train --data DIR` to let the model steer)",
    );
  }
  if (engine === "conductor" && !options.conductor) {
    notes.push(
      "no conductor model: the model-free planner chose every phrase (models/conductor ships with the project; pass --model DIR for another)",
    );
  }
  const guide = engine === "hybrid" ? predictor : undefined;
  const conductor = engine === "conductor" ? options.conductor : undefined;
  const remix = await remixExtend(input, {
    targetSeconds: options.targetSeconds,
    fadeOutSeconds: options.fadeOutSeconds,
    crossfadeSeconds: options.crossfadeSeconds ?? DEFAULT_CROSSFADE_SECONDS[engine],
    form: options.form,
    beats: options.beats,
    recentBarsSeconds: options.recentBarsSeconds,
    frames: options.frames,
    guide,
    conductor,
    onProgress: options.onProgress,
  });
  return withWholeAudio(
    {
      ...plannerFields(remix),
      engine: guide ? "hybrid" : conductor ? "conductor" : "remix",
      notes: [...notes, ...remix.notes],
    },
    remix.stream,
  );
}

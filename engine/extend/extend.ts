import { durationSeconds, type PcmAudio } from "../audio/pcm.ts";
import { HarmonizerInputError } from "../errors.ts";
import { DEFAULT_LIMITS, type InputLimits } from "../limits.ts";
import { remixExtend } from "../remix/index.ts";
import { extendWithModel } from "./neural.ts";
import type { EngineName, ExtendOptions, ExtendResult } from "./types.ts";

export { DEFAULT_ENGINE, ENGINES } from "./types.ts";

export const DEFAULT_FADE_OUT_SECONDS = 6;
/** Neural chunks are blurry at their edges and overlap generously; remix joins land on beats and zero crossings. */
export const DEFAULT_CROSSFADE_SECONDS: Record<EngineName, number> = { neural: 0.5, remix: 0.02, hybrid: 0.02 };

/** Rejects a target the song can't be extended to, naming the limit. */
export function checkTarget(input: PcmAudio, targetSeconds: number, limits: InputLimits = DEFAULT_LIMITS): void {
  const inputSeconds = durationSeconds(input);
  if (!Number.isFinite(targetSeconds)) {
    throw new HarmonizerInputError("INVALID_TARGET", `target duration must be a number of seconds, got ${targetSeconds}`);
  }
  if (targetSeconds < inputSeconds) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `target ${targetSeconds} s is shorter than the input (${inputSeconds.toFixed(2)} s); it must be at least the input's length`,
    );
  }
  if (targetSeconds > limits.maxTargetSeconds) {
    throw new HarmonizerInputError(
      "INVALID_TARGET",
      `target ${targetSeconds} s is longer than the limit of ${limits.maxTargetSeconds} s`,
    );
  }
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
  const guide = engine === "hybrid" ? predictor : undefined;
  const remix = await remixExtend(input, {
    targetSeconds: options.targetSeconds,
    fadeOutSeconds: options.fadeOutSeconds,
    crossfadeSeconds: options.crossfadeSeconds ?? DEFAULT_CROSSFADE_SECONDS[engine],
    form: options.form,
    guide,
    onProgress: options.onProgress,
  });
  return {
    audio: remix.audio,
    engine: guide ? "hybrid" : "remix",
    form: remix.form,
    formReason: remix.formReason,
    introSeconds: remix.introSeconds,
    seams: remix.seams,
    chunks: remix.segments.length,
    notes: [...notes, ...remix.notes],
  };
}

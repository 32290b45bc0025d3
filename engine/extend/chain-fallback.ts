import type { FormSetting } from "../analysis/form.ts";
import { streamOf } from "../audio/stream.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { remixExtend } from "../remix/index.ts";
import { plannerFields } from "./planner-fields.ts";
import { crossfadeInto } from "./shaping.ts";
import type { ExtendResult } from "./types.ts";

/** An engine's result without its engine and notes (the caller words them), the planner's notes beside it. */
type FallbackResult = Omit<ExtendResult, "notes" | "engine" | "audio"> & { readonly plannerNotes: readonly string[] };

export interface FallbackOptions {
  readonly targetSeconds: number;
  readonly fadeOutSeconds: number;
  /** Crossfade from the model's last sane second into the planner's material, seconds. */
  readonly crossfadeSeconds: number;
  /** Crossfade at the planner's own joins, seconds. */
  readonly plannerCrossfadeSeconds: number;
  /** The planner's form when nothing of the chain is kept: the user's, else its own choice ("auto"). */
  readonly form?: FormSetting;
}

/**
 * The extension of a chain that failed at its first prediction: the planner's own, in the form it would choose for
 * the song (song form keeps the song's ending at the end, where continuing after it would play the ending and any
 * silence after it mid-result).
 */
async function plannerAlone(input: PcmAudio, options: FallbackOptions): Promise<FallbackResult> {
  const planned = await remixExtend(input, {
    targetSeconds: options.targetSeconds,
    fadeOutSeconds: options.fadeOutSeconds,
    crossfadeSeconds: options.plannerCrossfadeSeconds,
    form: options.form,
  });
  return { ...plannerFields(planned), stream: planned.stream, plannerNotes: planned.notes };
}

/**
 * The rest of a neural chain that had to stop: the model-free planner continues the song (continue form) and its
 * extension is crossfaded onto the end of the chain's sane part. `kept` holds that part, one array per channel at
 * the input's rate (empty when the first prediction already failed: then the result is the planner's alone, see
 * plannerAlone).
 * `seams` are the chain's own seams, seconds in the result. The result is exactly round(targetSeconds * rate) frames.
 */
export async function finishWithPlanner(
  input: PcmAudio,
  kept: readonly Float32Array[],
  seams: readonly number[],
  options: FallbackOptions,
): Promise<FallbackResult> {
  if ((kept[0]?.length ?? 0) === 0) return plannerAlone(input, options);
  const sampleRate = input.sampleRate;
  const inputFrames = frameCount(input);
  const keptFrames = kept[0]?.length ?? 0;
  const targetFrames = Math.round(options.targetSeconds * sampleRate);
  const overlap = keptFrames === 0 ? 0 : Math.min(keptFrames, Math.round(options.crossfadeSeconds * sampleRate));
  const plannerFrames = targetFrames - inputFrames - keptFrames + overlap;
  const planned = await remixExtend(input, {
    targetSeconds: (inputFrames + plannerFrames) / sampleRate,
    fadeOutSeconds: options.fadeOutSeconds,
    crossfadeSeconds: options.plannerCrossfadeSeconds,
    form: "continue",
  });
  const joinAt = inputFrames + keptFrames - overlap;
  const channels = input.channels.map((original, c) => {
    const out = new Float32Array(targetFrames);
    out.set(original.subarray(0, inputFrames));
    out.set(kept[c] ?? new Float32Array(0), inputFrames);
    const tail = planned.audio.channels[c]!.subarray(inputFrames, inputFrames + plannerFrames);
    crossfadeInto(out, joinAt, tail, overlap);
    return out;
  });
  const shift = (joinAt - inputFrames) / sampleRate;
  return {
    stream: streamOf({ sampleRate, channels }),
    form: "continue",
    formReason: "the neural engine always continues after the whole input",
    introSeconds: inputFrames / sampleRate,
    seams: [...seams.filter((s) => s < joinAt / sampleRate), ...planned.seams.map((s) => s + shift)],
    chunks: seams.length + planned.segments.length,
    ...(planned.closingFade && {
      closingFade: { ...planned.closingFade, startSeconds: planned.closingFade.startSeconds + shift },
    }),
    plannerNotes: planned.notes,
  };
}

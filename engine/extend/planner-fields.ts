import type { RemixResult } from "../remix/index.ts";
import { seamSources } from "./seam-sources.ts";
import type { ExtendResult } from "./types.ts";

/**
 * What a result the planner made says of itself as an engine's result (its audio, engine and notes aside): the
 * conductor, remix and hybrid engines, and a neural chain the planner made whole, report alike.
 */
export function plannerFields(remix: RemixResult): Omit<ExtendResult, "audio" | "stream" | "engine" | "notes"> {
  return {
    form: remix.form,
    formReason: remix.formReason,
    introSeconds: remix.introSeconds,
    seams: remix.seams,
    seamSources: seamSources(remix.seams, remix.segments),
    chunks: remix.segments.length,
    shortestRepeatSeconds: remix.shortestRepeatSeconds,
    closingFade: remix.closingFade,
  };
}

export { remixExtend, type RemixOptions, type RemixResult } from "./remix-extend.ts";
export { analyseBeats, type BeatAnalysis, type BeatFeatures, type BeatMethod } from "../analysis/beats.ts";
export { buildJumpGraph, type Jump, type JumpGraph } from "./jump-graph.ts";
export type { RemixSegment } from "./render.ts";
export type { PhraseSteering } from "./phrase.ts";

import type { FrameFeatures } from "../analysis/features.ts";
import type { BeatVectoriser } from "../analysis/beat-vectors.ts";
import { timedSteps, type Timed } from "./extension-analysis.ts";
import { wholeRows } from "./frame-rows.ts";
import type { FrameWalk } from "./frame-walk.ts";
import { type BlockPlace, extensionLoops, type SlidingBlocks } from "./loops.ts";
import type { Steps } from "./steps.ts";
import { chromaSum, cosine, frechetDistance, mfccGaussian, mfccGaussianOf } from "./timbre.ts";

/** The stages of frameFigures, in order. */
export const FRAME_FIGURE_STAGES = ["timbre, harmony, blocks, loops, verbatim", "timbre: spread"] as const;

export interface FrameFigures {
  readonly timbreDistance: number;
  readonly harmonySimilarity: number;
  readonly shortestLoopSeconds: number;
  readonly verbatimFraction: number;
}

/**
 * The figures read from the extension's frames against the original's (mfccFrechetDistance, chromaCosine,
 * extensionLoops), in two walks over the frames: the MFCC means, the chroma, the blocks and their loops in the first,
 * the MFCC spread about those means in the second. `place`: as extensionLoops takes it.
 */
export function* frameFigures(
  frames: FrameWalk,
  reference: {
    readonly frames: FrameFeatures;
    readonly blocks: SlidingBlocks;
    readonly vectoriser: BeatVectoriser;
  },
  place: BlockPlace,
  timed: Timed,
): Steps<FrameFigures> {
  const { rows } = frames;
  const gaussian = mfccGaussian();
  const chroma = chromaSum();
  const loops = extensionLoops(rows, reference, place);
  const [firstStage, spreadStage] = FRAME_FIGURE_STAGES;
  yield* timedSteps(
    timed,
    firstStage,
    frames.walk(function* (from, to) {
      gaussian.addToMean(rows, from, to);
      chroma.add(rows, from, to);
      yield* loops.push(to);
    }),
  );
  yield* timedSteps(
    timed,
    spreadStage,
    frames.walk(function* (from, to) {
      gaussian.addToSpread(rows, from, to);
      yield;
    }),
  );
  const original = wholeRows(reference.frames);
  const originalChroma = chromaSum();
  originalChroma.add(original, 0, original.frameCount);
  return {
    timbreDistance: frechetDistance(gaussian.result(), mfccGaussianOf(original, 0, original.frameCount)),
    harmonySimilarity: cosine(chroma.sum, originalChroma.sum),
    ...loops.result(),
  };
}

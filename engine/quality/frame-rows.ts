import type { FrameFeatures } from "../analysis/features.ts";

/**
 * Frame features read one frame at a time: frame f's chroma, MFCC and level are row `row(f)` of `table(f)`. A long
 * extension's frames are mostly the input's own (where it copies the input): they are read from the input's frames,
 * and only the frames computed from the result's own samples come from a table of their own (frame-walk.ts).
 */
export interface FrameRows {
  readonly sampleRate: number;
  readonly frameSize: number;
  readonly hop: number;
  readonly frameCount: number;
  table(f: number): FrameFeatures;
  row(f: number): number;
}

/** Frames held whole, as rows. */
export function wholeRows(frames: FrameFeatures): FrameRows {
  return { ...shape(frames), table: () => frames, row: (f) => f };
}

/** Frames as given: rows already, or held whole. */
export const rowsOf = (frames: FrameFeatures | FrameRows): FrameRows =>
  "table" in frames ? frames : wholeRows(frames);

const shape = ({ sampleRate, frameSize, hop, frameCount }: FrameFeatures) => ({
  sampleRate,
  frameSize,
  hop,
  frameCount,
});

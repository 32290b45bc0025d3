import type { FrameFeatures } from "../analysis/features.ts";

/**
 * Frame features read one frame at a time: frame f's chroma, MFCC and level are row `row(f)` of `table(f)`. A long
 * extension's frames are mostly the input's own (where it copies the input, extension-frames.ts): they are kept as
 * an index into the input's frames (4 bytes a frame instead of 108), and only the frames computed from the result's
 * own samples are held.
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

/**
 * Frames that are the input's where `refs[f]` >= 0 (that input frame) and `own`'s elsewhere (frame -1 - refs[f]
 * of it).
 */
export function indexedRows(input: FrameFeatures, own: FrameFeatures, refs: Int32Array): FrameRows {
  return {
    ...shape(own),
    frameCount: refs.length,
    table: (f) => (refs[f]! >= 0 ? input : own),
    row: (f) => (refs[f]! >= 0 ? refs[f]! : -1 - refs[f]!),
  };
}

const shape = ({ sampleRate, frameSize, hop, frameCount }: FrameFeatures) => ({
  sampleRate,
  frameSize,
  hop,
  frameCount,
});

import { FRAME_SIZE, frameCountOfLength, HOP } from "../analysis/features.ts";
import { segmentHolding, type CopySegment } from "./copy-map.ts";
import {
  batchRuns,
  computeBatch,
  emptyFrames,
  type FrameBatch,
  type InputFigures,
  keptFrames,
} from "./extension-frames.ts";
import type { FrameRows } from "./frame-rows.ts";
import type { SampleSource } from "./sample-source.ts";
import type { Steps } from "./steps.ts";

/**
 * The extension's frames, read in order a range at a time: `walk` visits consecutive ranges [from, to) that cover
 * every frame, and while `visit` runs, `rows` answers the frames of its range (and maybe no other). The figures read
 * from the frames (timbre, harmony, loops) take them this way, in two walks (the MFCC spread reads the means of the
 * first).
 */
export interface FrameWalk {
  readonly rows: FrameRows;
  walk(visit: (from: number, to: number) => Steps<void>): Steps<void>;
}

/** Frames held whole: one range. */
export function wholeWalk(rows: FrameRows): FrameWalk {
  return {
    rows,
    *walk(visit) {
      yield* visit(0, rows.frameCount);
    },
  };
}

/** Frames scanned between two steps, and the most a range holds (its input frame indices: 256 KB). */
const STEP_FRAMES = 65_536;

/**
 * The extension's frames where a frame's samples lie inside one copied segment: the input's frame nearest to the same
 * audio (the copy rarely lands on the input's frame grid: at most half a hop, 11.6 ms, away; interpolating between two
 * frames would smooth the MFCC spread that the timbre distance compares). Every other frame (seams, crossfades,
 * anything generated) is computed from the result's own samples, a batch at a time (batchRuns) while a walk reaches
 * it, and let go after: a walk computes them again. Held for the walks: the runs of computed frames (a few per join).
 */
export function* mappedWalk(
  input: InputFigures,
  result: SampleSource,
  boundary: number,
  segments: readonly CopySegment[],
): Steps<FrameWalk> {
  const { factor, sampleRate } = input.signal;
  const source = input.frames;
  const analysisLength = Math.floor((result.length - boundary) / factor);
  const count = frameCountOfLength(analysisLength);
  /** The input frame that frame f copies, or -1. */
  const inputFrame = (f: number): number => {
    const start = boundary + f * HOP * factor;
    const segment = segmentHolding(segments, start, start + FRAME_SIZE * factor);
    const g = segment ? Math.round((start - segment.offset) / (HOP * factor)) : -1;
    return g >= 0 && g < source.frameCount ? g : -1;
  };
  const unmapped: [number, number][] = [];
  for (let f = 0; f < count; f++) {
    if (f % STEP_FRAMES === 0) yield;
    if (inputFrame(f) >= 0) continue;
    const run = unmapped.at(-1);
    if (run && run[1] === f - 1) run[1] = f;
    else unmapped.push([f, f]);
  }
  const batches = batchRuns(unmapped);
  // The range being visited: refs[f - rangeFrom] is frame f's input frame, or -1 - its row in `own` (the batch).
  const refs = new Int32Array(Math.min(count, STEP_FRAMES));
  let rangeFrom = 0;
  let own = emptyFrames(sampleRate, 0);
  const rows: FrameRows = {
    sampleRate,
    frameSize: FRAME_SIZE,
    hop: HOP,
    frameCount: count,
    table: (f) => (refs[f - rangeFrom]! >= 0 ? source : own),
    row: (f) => {
      const ref = refs[f - rangeFrom]!;
      return ref >= 0 ? ref : -1 - ref;
    },
  };
  function* computed(batch: FrameBatch): Steps<void> {
    own = emptyFrames(sampleRate, keptFrames(batch));
    yield* computeBatch(result, boundary, factor, batch, { frames: own, flux: false, firstRow: 0 });
  }
  return {
    rows,
    *walk(visit) {
      let next = 0;
      // Rows of the batch in `own` handed out so far, and how many it has.
      let used = 0;
      let held = 0;
      for (let from = 0; from < count; ) {
        let to = from;
        for (; to < count && to - from < refs.length; to++) {
          const g = inputFrame(to);
          if (g < 0 && used === held) {
            // The range ends before a frame of the next batch.
            if (to > from) break;
            const batch = batches[next++]!;
            yield* computed(batch);
            used = 0;
            held = keptFrames(batch);
          }
          refs[to - from] = g >= 0 ? g : -1 - used++;
        }
        rangeFrom = from;
        yield* visit(from, to);
        from = to;
      }
    },
  };
}

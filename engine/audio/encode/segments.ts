import type { AudioStream } from "../stream.ts";

/**
 * How a stream is cut for encoding on several threads. Every codec here encodes in units of a fixed number of samples
 * (FLAC blocks, MP3 frames, Opus packets), so segments start on that grid and a segment's units are the one-piece
 * stream's units with the same numbers. A segment is encoded from `preRoll` units before its start to `postRoll` units
 * after its end, so that an encoder with memory (MDCT overlap, psychoacoustic state, bit reservoir) has seen the same
 * signal around the join as its neighbour; the joiner keeps each unit from one encoder only.
 */
export interface SegmentPlan {
  /** Samples per unit (FLAC block, MP3 frame, Opus packet). */
  readonly unit: number;
  /** Units per segment (its own share, without the overlaps). */
  readonly units: number;
  readonly preRoll: number;
  readonly postRoll: number;
}

export interface Segment {
  readonly index: number;
  /** The segment's own units: [firstUnit, endUnit) of the whole stream. */
  readonly firstUnit: number;
  readonly endUnit: number;
  /** The samples the encoder is fed: [from, to) of the stream (the overlaps clipped to it). */
  readonly from: number;
  readonly to: number;
  /** Whether this segment is the stream's last (its encoder is fed the stream's end and flushes for real). */
  readonly last: boolean;
}

/** Units needed to hold `frames` samples (the last one partly filled). */
export const unitsFor = (frames: number, unit: number): number => Math.ceil(frames / unit);

/** The segments of a stream of `frames` samples, in order. */
export function* segmentsOf(frames: number, plan: SegmentPlan): Generator<Segment> {
  const total = unitsFor(frames, plan.unit);
  for (let index = 0, first = 0, end = 0; first < total; index++, first = end) {
    // A short remainder joins the segment before it (a join needs a few units on both sides).
    end = total - (first + plan.units) < plan.units / 4 ? total : first + plan.units;
    yield {
      index,
      firstUnit: first,
      endUnit: end,
      from: Math.max(0, first - plan.preRoll) * plan.unit,
      to: Math.min(frames, (end + plan.postRoll) * plan.unit),
      last: end === total,
    };
  }
}

/** How many segments `frames` samples make. */
export const segmentCount = (frames: number, plan: SegmentPlan): number => [...segmentsOf(frames, plan)].length;

/** The samples a segment's encoder is fed, copied out of the stream into buffers of their own (to be transferred). */
export function segmentSamples(stream: AudioStream, segment: Pick<Segment, "from" | "to">): Float32Array[] {
  return stream.read(segment.from, segment.to).map((channel) => channel.slice());
}

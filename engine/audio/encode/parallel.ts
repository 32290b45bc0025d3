import type { AudioStream } from "../stream.ts";
import type { EncodeProgress } from "./bytes.ts";
import type { SegmentJob, SegmentResult } from "./segment-job.ts";
import { type Segment, type SegmentPlan, segmentCount, segmentSamples, segmentsOf } from "./segments.ts";
import { defaultEncodeThreads, type EncodeThreads, startEncodeThreads } from "./segment-threads.ts";

/** Segments being encoded or waiting to be joined beyond one per thread: enough to keep every thread busy. */
const IN_FLIGHT_SPARE = 1;

/**
 * Encodes `stream` segment by segment on `threads` and hands the results to `join` in order. Only a few segments
 * are held at a time (their samples while they are encoded, their bytes until it is their turn), so memory does not
 * grow with the length of the stream. `place` may move a segment's encode start (Vorbis puts its encoders in step).
 */
export async function encodeSegments(
  stream: AudioStream,
  plan: SegmentPlan,
  threads: EncodeThreads & { readonly count: number },
  job: (segment: Segment, channels: Float32Array[]) => SegmentJob,
  join: (segment: Segment, result: SegmentResult) => Promise<void>,
  onProgress?: EncodeProgress,
  place: (segment: Segment) => Segment = (segment) => segment,
): Promise<void> {
  const waiting: { segment: Segment; result: Promise<SegmentResult> }[] = [];
  const joinOldest = async () => {
    const { segment, result } = waiting.shift()!;
    await join(segment, await result);
    onProgress?.(Math.min(stream.length, segment.endUnit * plan.unit), stream.length);
  };
  try {
    for (const planned of segmentsOf(stream.length, plan)) {
      const segment = place(planned);
      const result = threads.run(job(segment, segmentSamples(stream, segment)));
      result.catch(() => {}); // awaited in order below; a failure there ends the encode
      waiting.push({ segment, result });
      if (waiting.length >= threads.count + IN_FLIGHT_SPARE) await joinOldest();
    }
    while (waiting.length > 0) await joinOldest();
  } finally {
    waiting.length = 0;
  }
}

/**
 * Encoding threads for `stream` cut by `plan`, when it is worth it: more than one thread asked for (default: one per
 * core) and at least two segments. `use` runs an encode on them and ends them after.
 */
export async function parallelFor(
  stream: AudioStream,
  plan: SegmentPlan,
  threads = defaultEncodeThreads(),
): Promise<{ use: (encode: (threads: EncodeThreads) => Promise<void>) => Promise<void> } | undefined> {
  if (threads < 2 || segmentCount(stream.length, plan) < 2) return undefined;
  return {
    use: async (encode) => {
      const started = startEncodeThreads(threads);
      try {
        await encode(started);
      } finally {
        await started.stop();
      }
    },
  };
}

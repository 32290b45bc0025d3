/**
 * A result described as an ordered list of operations on output samples (copy a stretch of the input, crossfade
 * at a join, ride the level, fade) instead of as samples. Any window [from, to) is rendered by running, in the
 * order they were added, the operations that touch it, each limited to the window: every operation reads and
 * writes the same output sample only (and the input), so a window comes out exactly as the same samples of a
 * one-piece render would. Memory: the operations (a few per join), never the result.
 */

export interface TimelineOp {
  /** Output samples [from, to) the operation may change. */
  readonly from: number;
  readonly to: number;
  /** Applies the operation to out[c][i - offset] for output samples i in [from, to) (already within the op's span). */
  apply(out: Float32Array[], offset: number, from: number, to: number): void;
  /** It sets every channel's samples of its span whatever they held (a copy): what came before it there is lost. */
  readonly overwrites?: boolean;
}

/** Operations are found through buckets of this many output samples. */
const BUCKET = 1 << 16;
/** Not `>>`: a 10-hour result at 96 kHz has more samples than a 32-bit integer holds. */
const bucketOf = (sample: number): number => Math.floor(sample / BUCKET);

export class Timeline {
  private readonly ops: TimelineOp[] = [];
  private readonly buckets: number[][] = [];

  constructor(
    readonly channelCount: number,
    readonly length: number,
    readonly sampleRate: number,
  ) {}

  add(op: TimelineOp): void {
    const from = Math.max(0, op.from);
    const to = Math.min(this.length, op.to);
    if (to <= from) return;
    const index = this.ops.length;
    this.ops.push(op);
    for (let b = bucketOf(from); b <= bucketOf(to - 1); b++) {
      const bucket = this.buckets[b] ?? [];
      bucket.push(index);
      this.buckets[b] = bucket;
    }
  }

  /** Output samples [from, to) of every channel, as the operations added so far make them (see AudioStream.read). */
  read(from: number, to: number, into?: Float32Array[]): Float32Array[] {
    const frames = Math.max(0, to - from);
    const reused = into && into.length === this.channelCount && into.every((c) => c.length >= frames);
    const out = reused
      ? into.map((c) => c.subarray(0, frames))
      : Array.from({ length: this.channelCount }, () => new Float32Array(frames));
    if (to <= from) return out;
    const first = bucketOf(from);
    const last = bucketOf(to - 1);
    const seen = new Set<number>();
    for (let b = first; b <= last; b++) for (const index of this.buckets[b] ?? []) seen.add(index);
    const ops = [...seen].sort((a, b) => a - b).map((index) => this.ops[index]!);
    // Rendering starts from silence, except where a copy sets the samples anyway (most of a result).
    if (reused) silenceUncovered(out, from, to, ops);
    for (const op of ops) {
      const a = Math.max(from, op.from);
      const z = Math.min(to, op.to);
      if (z > a) op.apply(out, from, a, z);
    }
    return out;
  }
}

/** Zeroes out[c][i - from] for the samples i in [from, to) that no overwriting operation of `ops` sets. */
function silenceUncovered(out: Float32Array[], from: number, to: number, ops: readonly TimelineOp[]): void {
  const covered = ops
    .filter((op) => op.overwrites && op.to > from && op.from < to)
    .map((op) => [Math.max(from, op.from), Math.min(to, op.to)] as const)
    .sort((a, b) => a[0] - b[0]);
  let at = from;
  for (const [start, end] of [...covered, [to, to] as const]) {
    if (start > at) for (const channel of out) channel.fill(0, at - from, start - from);
    at = Math.max(at, end);
  }
}

/** Copies input samples [source, source + count) to output samples [at, at + count) (every channel of the output). */
export function copyOp(input: readonly Float32Array[], at: number, source: number, count: number): TimelineOp {
  return {
    overwrites: true,
    from: at,
    to: at + count,
    apply: (out, offset, from, to) => {
      input.forEach((channel, c) => {
        out[c]!.set(channel.subarray(source + from - at, source + to - at), from - offset);
      });
    },
  };
}

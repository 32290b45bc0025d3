/**
 * Where a streaming decoder's output is collected: one growing Float32Array per channel, so the decoded song
 * exists once (not as a list of chunks joined into a second copy at the end). Growth is by half again, never
 * past `maxFrames`; a good first guess (a header's frame count) means no growth at all.
 */
const FIRST_CAPACITY_FRAMES = 1 << 20;

export class SampleSink {
  private channels: Float32Array[] = [];
  private frames = 0;

  constructor(
    private readonly channelCount: number,
    private readonly maxFrames: number,
    private readonly expectedFrames = FIRST_CAPACITY_FRAMES,
  ) {}

  /** The largest magnitude among the samples appended with `clamp`, before the clamp (above 1 where they overshot). */
  peakBeforeClamp = 0;

  get length(): number {
    return this.frames;
  }

  /**
   * Appends the first `count` samples of each channel in `part` (channels the sink does not have are dropped),
   * clamped to [-1, 1] on the way when `clamp` is set (one pass instead of a copy and a clamp).
   */
  append(part: readonly Float32Array[], count: number, clamp = false): void {
    this.reserve(this.frames + count);
    for (let c = 0; c < this.channelCount; c++) {
      const source = part[c];
      if (source === undefined) continue;
      if (clamp)
        this.peakBeforeClamp = Math.max(
          this.peakBeforeClamp,
          copyClamped(source, count, this.channels[c]!, this.frames),
        );
      else this.channels[c]!.set(source.subarray(0, count), this.frames);
    }
    this.frames += count;
  }

  /** The samples so far, one view per channel (no copy). */
  channelData(): Float32Array[] {
    return this.channels.map((channel) => channel.subarray(0, this.frames));
  }

  private reserve(frames: number): void {
    const capacity = this.channels[0]?.length ?? 0;
    if (frames <= capacity) return;
    const wanted = capacity === 0 ? Math.max(frames, this.expectedFrames) : Math.max(frames, Math.ceil(capacity * 1.5));
    const next = Math.max(frames, Math.min(this.maxFrames, wanted));
    this.channels = Array.from({ length: this.channelCount }, (_, c) => {
      // Shared memory, so that a job's second thread reads the decoded song as it is (no copy to share it).
      const grown = new Float32Array(new SharedArrayBuffer(next * Float32Array.BYTES_PER_ELEMENT));
      const old = this.channels[c];
      if (old !== undefined) grown.set(old.subarray(0, this.frames));
      return grown;
    });
  }
}

/**
 * target[at + i] = source[i] within [-1, 1], for i < count (NaN and -0 pass as they are, as in a clamp in place);
 * returns the largest magnitude of the source's samples.
 */
function copyClamped(source: Float32Array, count: number, target: Float32Array, at: number): number {
  let highest = 0;
  for (let i = 0; i < count; i++) {
    const value = source[i]!;
    target[at + i] = Math.min(1, Math.max(-1, value));
    if (value > highest) highest = value;
    else if (-value > highest) highest = -value;
  }
  return highest;
}

import type { Mp3Frames } from "./mp3-frames.ts";
import { Mp3Packer, packFrame, type PackFrame } from "./mp3-pack.ts";
import type { Segment } from "./segments.ts";
import type { OutputSink } from "./sink.ts";

/**
 * Joins MP3 segments, each encoded from `preRoll` frames before its start to `postRoll` frames after its end (see
 * segments.ts), into one stream. All encoders share the one-piece stream's frame grid, so frame n of any of them
 * codes the same samples; around each join both encoders have coded the same signal, and the decoder's overlap-add
 * of the last frame of one with the first of the other cancels as within one encoder, up to quantisation. The join
 * frame is chosen within `JOIN_SPAN` frames of the segment's start where the old encoder leaves at least the
 * reservoir the new one had there; failing that, one from which a few frames at higher bitrates (Mp3Packer) catch up.
 */
export const JOIN_SPAN = 10;
/** Frames after a join within which the packed stream must have caught up with the new encoder's reservoir. */
const SYNC_FRAMES = 64;

/** Frames of one encoder, by their number in the whole stream. */
interface Run {
  readonly frames: Mp3Frames;
  /** The whole stream's number of the encoder's frame 0. */
  readonly offset: number;
}

const frameOf = (run: Run, n: number, nextBegin?: number): PackFrame => {
  const frame = packFrame(run.frames, n - run.offset);
  return nextBegin === undefined ? frame : { ...frame, nextBegin };
};

export class Mp3Joiner {
  private readonly packer: Mp3Packer;
  /** The previous encoder and the first of its frames not yet placed (the rest wait for the join). */
  private previous: { run: Run; next: number } | undefined;
  /** Where the joins fell, relative to each segment's start (in frames), for the report of a test or benchmark. */
  readonly joinShifts: number[] = [];

  constructor(
    sink: OutputSink,
    vbr: boolean,
    private readonly unit: number,
  ) {
    this.packer = new Mp3Packer(sink, vbr);
  }

  get bumped(): number {
    return this.packer.bumped;
  }

  async add(segment: Segment, frames: Mp3Frames): Promise<void> {
    const run: Run = { frames, offset: segment.from / this.unit };
    const join = this.previous === undefined ? 0 : this.chooseJoin(this.previous, run, segment.firstUnit);
    if (this.previous !== undefined) {
      for (let n = this.previous.next; n < join; n++) {
        this.packer.add(
          frameOf(this.previous.run, n, n + 1 === join ? run.frames.begins[join - run.offset] : undefined),
        );
      }
      this.joinShifts.push(join - segment.firstUnit);
    }
    const end = segment.last ? run.offset + frames.count : segment.endUnit - JOIN_SPAN;
    for (let n = join; n < end; n++) this.packer.add(frameOf(run, n));
    this.previous = segment.last ? undefined : { run, next: end };
    await this.packer.flush();
  }

  async finish(samples: number): Promise<void> {
    if (this.previous !== undefined) throw new Error("the last MP3 segment was not joined");
    await this.packer.finish(samples);
  }

  /** The first frame of the new encoder: near `start`, preferring one that fits without a higher bitrate. */
  private chooseJoin(previous: { run: Run; next: number }, run: Run, start: number): number {
    const last = previous.run.offset + previous.run.frames.count;
    const candidates: number[] = [];
    for (let d = 0; d <= JOIN_SPAN; d++) candidates.push(...(d === 0 ? [start] : [start - d, start + d]));
    const usable = candidates.filter(
      (n) => n >= previous.next && n < last && n >= run.offset + 1 && n - run.offset < run.frames.count,
    );
    let fallback: number | undefined;
    for (const n of usable) {
      const fit = this.fitsAt(previous, run, n);
      if (fit === "as encoded") return n;
      if (fit === "bumped") fallback ??= n;
    }
    if (fallback === undefined) throw new Error("no MP3 frame near a segment join fits the reservoir");
    return fallback;
  }

  /**
   * Whether the new encoder's frames from `n` on fit after the old encoder's frames up to it: "as encoded" when the
   * reservoir left is at least the new encoder's own at once, "bumped" when it catches up within SYNC_FRAMES with
   * some frames at a higher bitrate, "no" when a frame would not fit at all.
   */
  private fitsAt(previous: { run: Run; next: number }, run: Run, n: number): "as encoded" | "bumped" | "no" {
    let available = this.packer.available;
    for (let m = previous.next; m < n; m++) {
      const next = m + 1 === n ? run.frames.begins[n - run.offset] : undefined;
      const result = this.packer.simulate(frameOf(previous.run, m, next), available);
      if (result === undefined) return "no";
      available = result.available;
    }
    const last = Math.min(run.offset + run.frames.count, n + SYNC_FRAMES);
    let bumped = false;
    for (let m = n; m < last; m++) {
      const result = this.packer.simulate(frameOf(run, m), available);
      if (result === undefined) return "no";
      bumped ||= result.bumped || !result.synced;
      if (result.synced && !result.bumped) return bumped ? "bumped" : "as encoded";
      available = result.available;
    }
    return "no";
  }
}

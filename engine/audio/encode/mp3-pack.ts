import { parseMpegFrameHeader } from "../mpeg.ts";
import { buildLameTagFrame, lameTagFrameSize, MpegFrameTracker } from "./lame-tag.ts";
import { setMainDataBegin, sideInfoLayout, type Mp3Frames } from "./mp3-frames.ts";
import type { OutputSink } from "./sink.ts";

/**
 * Lays out MP3 frames taken apart (mp3-frames.ts), from any number of encoders, as one stream with a bit
 * reservoir of its own: each frame's main data goes right after the previous frame's, main_data_begin says how far
 * back that is, and a frame whose data does not fit (its encoder had more reservoir at that point than the new
 * neighbours leave) is given the next bitrate up, as a VBR encoder would. Frames are written out once their slot is
 * full; the Xing/LAME tag (frame count, delay, padding) goes in front at the end.
 */
export interface PackFrame {
  readonly header: Uint8Array;
  readonly sideInfo: Uint8Array;
  readonly mainData: Uint8Array;
  /** Reservoir the next frame of the same encoder drew on (its main_data_begin), to leave at least that much. */
  readonly nextBegin?: number;
}

/** The frame `index` of `frames` (with the next frame's reservoir when it follows from the same encoder). */
export function packFrame(frames: Mp3Frames, index: number): PackFrame {
  const side = frames.sideInfoBytes;
  return {
    header: frames.headers.subarray(4 * index, 4 * index + 4),
    sideInfo: frames.sideInfo.subarray(side * index, side * (index + 1)),
    mainData: frames.mainData.subarray(frames.mainOffsets[index]!, frames.mainOffsets[index + 1]!),
    nextBegin: index + 1 < frames.count ? frames.begins[index + 1] : undefined,
  };
}

interface Placed {
  readonly bytes: Uint8Array;
  /** Where its slot starts and ends in the stream of slots. */
  readonly slotStart: number;
  readonly slotEnd: number;
}

/** A header like `header` at bitrate index `index` (no padding when it is not the header's own bitrate). */
function withBitrate(header: Uint8Array, index: number): Uint8Array {
  const out = header.slice();
  if (index !== header[2]! >> 4) out[2] = (index << 4) | (header[2]! & 0x0c);
  return out;
}

export class Mp3Packer {
  /** Slot bytes of every frame placed so far, and main data bytes placed so far (both from the stream's start). */
  private slots = 0;
  private data = 0;
  private readonly placed: Placed[] = [];
  private readonly tracker = new MpegFrameTracker();
  private started = false;
  private layout: ReturnType<typeof sideInfoLayout> | undefined;
  /** Frames given a higher bitrate than their encoder chose, to make room at joins. */
  bumped = 0;

  constructor(
    private readonly sink: OutputSink,
    private readonly vbr: boolean,
  ) {}

  /** The reservoir the next frame may draw on. */
  get available(): number {
    const maxBegin = this.layout?.mpeg1 === false ? 255 : 511;
    return Math.min(maxBegin, this.slots - this.data);
  }

  /** What placing `frame` after `available` bytes of reservoir would leave, and whether it needs a higher bitrate. */
  simulate(frame: PackFrame, available: number): { available: number; bumped: boolean; synced: boolean } | undefined {
    const index = this.bitrateFor(frame, available);
    if (index === undefined) return undefined;
    const slot = parseMpegFrameHeader(withBitrate(frame.header, index), 0)!.frameBytes - 4 - frame.sideInfo.length;
    const maxBegin = sideInfoLayout(frame.header).mpeg1 ? 511 : 255;
    const left = Math.min(maxBegin, available + slot - frame.mainData.length);
    return {
      available: left,
      bumped: index !== frame.header[2]! >> 4,
      // At least the reservoir the encoder left: from here on its frames fit as it made them.
      synced: frame.nextBegin === undefined || left >= frame.nextBegin,
    };
  }

  /** The bitrate index the frame gets with `available` bytes of reservoir, or undefined when none fits. */
  bitrateFor(frame: PackFrame, available = this.available): number | undefined {
    const own = frame.header[2]! >> 4;
    let fits: number | undefined;
    for (let index = own; index < 15; index++) {
      const header = withBitrate(frame.header, index);
      const slot = parseMpegFrameHeader(header, 0)!.frameBytes - 4 - frame.sideInfo.length;
      const left = available + slot - frame.mainData.length;
      if (left < 0) continue;
      fits ??= index;
      if (frame.nextBegin === undefined || left >= frame.nextBegin) return index;
    }
    return fits;
  }

  /** Places a frame (throws when no bitrate gives its data room: see bitrateFor). */
  add(frame: PackFrame): void {
    this.layout ??= sideInfoLayout(frame.header);
    const index = this.bitrateFor(frame);
    if (index === undefined) throw new Error("an MP3 frame's data does not fit at any bitrate");
    if (index !== frame.header[2]! >> 4) this.bumped++;
    const header = withBitrate(frame.header, index);
    const frameBytes = parseMpegFrameHeader(header, 0)!.frameBytes;
    const begin = this.available;
    const bytes = new Uint8Array(frameBytes);
    bytes.set(header);
    bytes.set(frame.sideInfo, 4);
    setMainDataBegin(bytes.subarray(4), this.layout.beginBits, begin);
    const slotStart = this.slots;
    this.slots += frameBytes - 4 - frame.sideInfo.length;
    this.placed.push({ bytes, slotStart, slotEnd: this.slots });
    this.putData(slotStart - begin, frame.mainData);
    this.data = slotStart - begin + frame.mainData.length;
  }

  /** Writes the frames whose slots are full; `all` at the end. */
  async flush(all = false): Promise<void> {
    let count = 0;
    while (count < this.placed.length && (all || this.placed[count]!.slotEnd <= this.data)) count++;
    if (count === 0) return;
    const done = this.placed.splice(0, count);
    const out = new Uint8Array(done.reduce((sum, frame) => sum + frame.bytes.length, 0));
    let offset = 0;
    for (const frame of done) {
      out.set(frame.bytes, offset);
      offset += frame.bytes.length;
    }
    this.tracker.push(out);
    if (!this.started) {
      this.started = true;
      await this.sink.write(new Uint8Array(lameTagFrameSize(this.tracker).frameBytes));
    }
    await this.sink.write(out);
  }

  /** Writes what is left and the tag for `samples` samples per channel. */
  async finish(samples: number): Promise<void> {
    await this.flush(true);
    if (!this.started) throw new Error("the MP3 encoder wrote no frames");
    await this.sink.patch(0, buildLameTagFrame({ audio: this.tracker, samples, vbr: this.vbr }));
  }

  /** Copies main data to stream position `at` (within the slots of frames not yet written). */
  private putData(at: number, bytes: Uint8Array): void {
    for (const frame of this.placed) {
      if (frame.slotEnd <= at || bytes.length === 0) continue;
      if (frame.slotStart >= at + bytes.length) break;
      const from = Math.max(at, frame.slotStart);
      const to = Math.min(at + bytes.length, frame.slotEnd);
      const slotOffset = frame.bytes.length - (frame.slotEnd - frame.slotStart);
      frame.bytes.set(bytes.subarray(from - at, to - at), slotOffset + from - frame.slotStart);
    }
  }
}

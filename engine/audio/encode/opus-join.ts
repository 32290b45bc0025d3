import { OggStreamWriter } from "./ogg-writer.ts";
import { opusHead, opusTags } from "./opus.ts";
import { OPUS_FRAME, type OpusSegment } from "./opus-segment.ts";
import type { Segment } from "./segments.ts";
import type { OutputSink } from "./sink.ts";

/**
 * Joins Opus segments into one Ogg Opus stream. Every encoder runs on the same 20 ms grid, so packet n of any of
 * them codes the same samples; a segment's encoder starts `preRoll` packets early (segments.ts) so that its state
 * (energy prediction, pitch pre-filter, the MDCT overlap) has converged on the same signal by its first kept packet.
 * Each packet is taken from the segment it belongs to; granule positions and pre-skip are those of the one-piece
 * stream (encodeOggOpusStream), so the length is exact.
 */
export class OpusJoiner {
  private readonly writer = new OggStreamWriter(0x48524d5a);
  private preSkip: number | undefined;

  constructor(
    private readonly sink: OutputSink,
    private readonly channelCount: number,
    private readonly inputRate: number,
    /** Samples per channel at 48 kHz. */
    private readonly samples: number,
  ) {}

  async add(segment: Segment, result: OpusSegment): Promise<void> {
    if (this.preSkip === undefined) {
      this.preSkip = result.lookahead;
      this.writer.writeHeaderPacket(opusHead(this.channelCount, this.preSkip, this.inputRate));
      this.writer.writeHeaderPacket(opusTags());
    }
    const offset = segment.from / OPUS_FRAME;
    const count = result.offsets.length - 1;
    const end = segment.last ? offset + count : segment.endUnit;
    const total = this.samples + this.preSkip;
    for (let n = segment.firstUnit; n < end; n++) {
      const packet = result.packets.subarray(result.offsets[n - offset]!, result.offsets[n - offset + 1]!);
      this.writer.writePacket(packet, Math.min((n + 1) * OPUS_FRAME, total));
    }
    for (const page of this.writer.takePages()) await this.sink.write(page);
  }

  async finish(): Promise<void> {
    await this.sink.write(this.writer.finish());
  }
}

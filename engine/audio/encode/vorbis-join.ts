import { OggStreamWriter } from "./ogg-writer.ts";
import type { Segment, SegmentPlan } from "./segments.ts";
import type { OutputSink } from "./sink.ts";
import type { VorbisSegment } from "./vorbis-segment.ts";

/** One Vorbis block placed in the stream: its centre (in samples of the stream), its size and its packet. */
interface Block {
  readonly centre: number;
  readonly long: boolean;
  readonly packet: Uint8Array;
}

/** The blocks of a segment whose encode started at sample `start` (libvorbis centres its first block there). */
function blocksOf(result: VorbisSegment, start: number): Block[] {
  const blocks: Block[] = [];
  let centre = start;
  for (let k = 0; k < result.long.length; k++) {
    const size = result.long[k] ? result.longBlock : result.shortBlock;
    if (k > 0) centre += (blocks[k - 1]!.long ? result.longBlock : result.shortBlock) / 4 + size / 4;
    blocks.push({
      centre,
      long: result.long[k] === 1,
      packet: result.packets.subarray(result.offsets[k], result.offsets[k + 1]),
    });
  }
  return blocks;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** How the joins of a stream were made. */
export interface VorbisJoinCounts {
  joins: number;
  /** Joins where the next encoder's packet is the previous one's, byte for byte (the join is bit-exact). */
  identical: number;
  /** Joins for which the segment was encoded again, started in step with the previous encoder's blocks. */
  rephased: number;
  /** Joins for which the segment was encoded again from the previous encode's own start. */
  replayed: number;
  /** Where each join is: the middle of the overlap of the last block kept from one encoder and the first from the next. */
  readonly at: number[];
}

/**
 * Joins Vorbis segments into one Ogg Vorbis stream. libvorbis chooses each block's size (256 or 2,048 samples at 44.1
 * kHz) from the signal, and a block's place follows from the sizes before it, so segments have no fixed grid. But
 * long blocks stay on one lattice (their centres agree modulo half a short block) once an encoder starts on it, and
 * two encoders fed the same samples make the same choices after the first transient both see: from there their
 * blocks coincide, and their packets are mostly the same bytes. So each segment's encoder starts `preRoll` units
 * early (on the lattice), and the join is made at the first pair of consecutive blocks both encoders placed alike
 * (the same centres and sizes, hence the same windows on both sides of the join), preferring one whose packets are
 * identical. Where they never coincide (a stretch with no transient, the two encoders' long blocks out of step), the
 * segment is encoded again from a start shifted to put its long blocks on the previous encoder's; failing that, from
 * that encoder's own start, which reproduces its blocks exactly. Granule positions are the one-piece stream's (block
 * centres, the last one the stream's length), so decoders trim the end to the exact length.
 */
export class VorbisJoiner {
  private readonly writer = new OggStreamWriter(0x48524d5a);
  /** Blocks of the latest encode not yet written, from where the encode started and to where they can be trusted. */
  private held: Block[] = [];
  private heldStart = 0;
  private heldEnd = 0;
  /** Where a fresh encoder's long blocks fall, relative to its start, modulo half a long block (once seen). */
  private lead: number | undefined;
  private shortBlock = 0;
  private longBlock = 0;
  readonly counts: VorbisJoinCounts = { joins: 0, identical: 0, rephased: 0, replayed: 0, at: [] };

  constructor(
    private readonly sink: OutputSink,
    private readonly length: number,
    private readonly plan: SegmentPlan,
    /** Encodes samples [start, to) of the stream as one segment. */
    private readonly reencode: (start: number, to: number) => Promise<VorbisSegment>,
  ) {}

  async add(segment: Segment, result: VorbisSegment): Promise<void> {
    let start = segment.from;
    let blocks = blocksOf(result, start);
    if (this.longBlock === 0) {
      this.shortBlock = result.shortBlock;
      this.longBlock = result.longBlock;
      for (let i = 0; i < 3; i++) {
        this.writer.writeHeaderPacket(result.headers.subarray(result.headerOffsets[i], result.headerOffsets[i + 1]));
      }
    } else {
      let splice = this.spliceOf(blocks, start);
      const inStep = splice === undefined ? this.inStep(blocks, segment.from) : undefined;
      if (inStep !== undefined) {
        start = inStep;
        blocks = blocksOf(await this.reencode(start, segment.to), start);
        splice = this.spliceOf(blocks, start);
        this.counts.rephased++;
      }
      if (splice === undefined) {
        start = this.heldStart;
        blocks = blocksOf(await this.reencode(start, segment.to), start);
        splice = this.spliceOf(blocks, start);
        this.counts.replayed++;
      }
      if (splice === undefined) throw new Error(`Vorbis segments found no common block near sample ${segment.from}`);
      this.counts.joins++;
      if (splice.identical) this.counts.identical++;
      this.counts.at.push((blocks[splice.next - 1]!.centre + blocks[splice.next]!.centre) / 2);
      this.write(this.held.slice(0, splice.held));
      blocks = blocks.slice(splice.next);
    }
    this.held = blocks;
    this.heldStart = start;
    this.heldEnd = segment.last ? Number.POSITIVE_INFINITY : segment.to - 3 * this.longBlock;
    // Keep what the next segment's join may need: its encoder starts preRoll units before this segment's end.
    const nextStart = segment.last ? Number.POSITIVE_INFINITY : (segment.endUnit - this.plan.preRoll) * this.plan.unit;
    const ready = this.held.findIndex((block) => block.centre >= nextStart - this.longBlock);
    this.write(this.held.splice(0, ready < 0 ? this.held.length : ready));
    for (const page of this.writer.takePages()) await this.sink.write(page);
  }

  async finish(): Promise<void> {
    this.write(this.held.splice(0));
    await this.sink.write(this.writer.finish());
  }

  private write(blocks: readonly Block[]): void {
    for (const block of blocks) this.writer.writePacket(block.packet, Math.min(block.centre, this.length));
  }

  private size(block: Block): number {
    return block.long ? this.longBlock : this.shortBlock;
  }

  /**
   * Where `blocks` (an encode started at `start`) can follow the held blocks: held[0, held) then blocks[next, ...).
   * Both encoders must have placed blocks next - 1 and next alike, the new one with a long block of signal behind it
   * and the held one before its encoder's end.
   */
  private spliceOf(blocks: readonly Block[], start: number) {
    const index = new Map(this.held.map((block, i) => [block.centre, i]));
    let first: { held: number; next: number; identical: boolean } | undefined;
    for (let k = 1; k < blocks.length && blocks[k]!.centre <= this.heldEnd; k++) {
      const block = blocks[k]!;
      const before = blocks[k - 1]!;
      if (before.centre - this.size(before) / 2 < start + this.longBlock) continue;
      const j = index.get(block.centre);
      if (j === undefined || j < 1) continue;
      const held = this.held[j]!;
      const heldBefore = this.held[j - 1]!;
      if (held.long !== block.long || heldBefore.long !== before.long || heldBefore.centre !== before.centre) continue;
      if (sameBytes(held.packet, block.packet)) return { held: j, next: k, identical: true };
      first ??= { held: j, next: k, identical: false };
    }
    return first;
  }

  /**
   * A start for the segment's encoder (first started at `from`, giving `blocks`) that puts its long blocks on the held
   * encoder's: both are on the same lattice, so they differ by a whole number of half short blocks; shifting the
   * start by that shifts a stretch without transients alike. Undefined when the last long blocks already agree.
   */
  private inStep(blocks: readonly Block[], from: number): number | undefined {
    const lastLong = (list: readonly Block[]) => list.findLast((block) => block.long && block.centre <= this.heldEnd);
    const held = lastLong(this.held);
    const next = lastLong(blocks);
    if (held === undefined || next === undefined) return undefined;
    const shift = this.modPeriod(held.centre - next.centre);
    if (shift === 0) return undefined;
    this.lead = this.modPeriod(next.centre - from);
    return from + shift;
  }

  private modPeriod(x: number): number {
    const period = this.longBlock / 2;
    return ((x % period) + period) % period;
  }

  /**
   * The segment, its encode started where a fresh encoder's long blocks fall on the latest held ones: once a join has
   * needed a second encode (a stretch without transients), the segments dispatched after it start in step.
   */
  place(segment: Segment): Segment {
    const held = this.held.findLast((block) => block.long);
    if (this.lead === undefined || held === undefined || segment.index === 0) return segment;
    return { ...segment, from: segment.from + this.modPeriod(held.centre - segment.from - this.lead) };
  }
}

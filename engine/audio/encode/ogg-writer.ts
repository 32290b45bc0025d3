/**
 * Writes one logical Ogg stream (RFC 3533): packets are laced into pages, each page carries the granule position
 * of the last packet that ends on it, and the last page has the end-of-stream flag. Packets are never split across
 * pages (Opus packets are at most 1,275 bytes per frame, far under a page's 65,025).
 */

const FLAG_BEGINNING_OF_STREAM = 0x02;
const FLAG_END_OF_STREAM = 0x04;
const MAX_SEGMENTS = 255;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[i] = crc >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, initial value 0). */
export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

export class OggStreamWriter {
  private readonly pages: Uint8Array[] = [];
  private pending: Uint8Array[] = [];
  private pendingSegments = 0;
  private pendingGranule = 0;
  private sequence = 0;

  constructor(private readonly serial: number) {}

  /** A page holding only this packet (for the codec's header packets). */
  writeHeaderPacket(packet: Uint8Array): void {
    this.flush();
    this.pending = [packet];
    this.pendingGranule = 0;
    this.flush(this.sequence === 0 ? FLAG_BEGINNING_OF_STREAM : 0);
  }

  /** Adds an audio packet; `granule` is the stream position (in samples) at the end of it. */
  writePacket(packet: Uint8Array, granule: number, packetsPerPage = 50): void {
    const segments = Math.floor(packet.length / 255) + 1;
    if (this.pendingSegments + segments > MAX_SEGMENTS || this.pending.length >= packetsPerPage) this.flush();
    this.pending.push(packet);
    this.pendingSegments += segments;
    this.pendingGranule = granule;
  }

  /** The pages completed since the last call, to be written out (they are forgotten here). */
  takePages(): Uint8Array[] {
    return this.pages.splice(0, this.pages.length);
  }

  /** Writes what is pending as the last page (end of stream) and returns the pages not yet taken, joined. */
  finish(): Uint8Array {
    this.flush(FLAG_END_OF_STREAM);
    let total = 0;
    for (const page of this.pages) total += page.length;
    const out = new Uint8Array(total);
    let offset = 0;
    for (const page of this.pages) {
      out.set(page, offset);
      offset += page.length;
    }
    return out;
  }

  private flush(flags = 0): void {
    if (this.pending.length === 0) return;
    const lacing: number[] = [];
    for (const packet of this.pending) {
      for (let left = packet.length; ; left -= 255) {
        lacing.push(Math.min(255, left));
        if (left < 255) break;
      }
    }
    const bodyBytes = this.pending.reduce((sum, packet) => sum + packet.length, 0);
    const page = new Uint8Array(27 + lacing.length + bodyBytes);
    const view = new DataView(page.buffer);
    page.set([0x4f, 0x67, 0x67, 0x53]); // "OggS", version 0
    page[5] = flags;
    view.setBigUint64(6, BigInt(this.pendingGranule), true);
    view.setUint32(14, this.serial, true);
    view.setUint32(18, this.sequence++, true);
    page[26] = lacing.length;
    page.set(lacing, 27);
    let offset = 27 + lacing.length;
    for (const packet of this.pending) {
      page.set(packet, offset);
      offset += packet.length;
    }
    view.setUint32(22, oggCrc(page), true);
    this.pages.push(page);
    this.pending = [];
    this.pendingSegments = 0;
  }
}
